import { afterEach, describe, expect, it, vi } from 'vitest';
import { signAccessToken, verifyAccessToken } from './access-token';

const secret = 'unit-secret-0123456789-0123456789-abcdef';
const userId = '00000000-0000-4000-8000-000000000001';

describe('access tokens', () => {
  afterEach(() => vi.useRealTimers());

  it('a token verified once still dies at its expiry, and another secret never accepts it', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-04T12:00:00Z'), toFake: ['Date'] });
    const { token } = await signAccessToken(secret, { userId, sessionId: 's1' }, 60);
    expect(await verifyAccessToken(secret, token)).toEqual({ ok: true, claims: { userId, sessionId: 's1' } });
    expect(await verifyAccessToken(secret, token)).toEqual({ ok: true, claims: { userId, sessionId: 's1' } });
    expect(await verifyAccessToken(`${secret}-other`, token)).toEqual({ ok: false, reason: 'invalid' });
    vi.setSystemTime(new Date('2026-12-04T12:01:00Z'));
    expect(await verifyAccessToken(secret, token)).toEqual({ ok: false, reason: 'expired' });
    expect(await verifyAccessToken(secret, token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('a tampered token is invalid even after the genuine one was verified', async () => {
    const { token } = await signAccessToken(secret, { userId });
    expect((await verifyAccessToken(secret, token)).ok).toBe(true);
    const [h, p, sig] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: '00000000-0000-4000-8000-000000000002' })).toString('base64url')}.${sig}`;
    expect(await verifyAccessToken(secret, forged)).toEqual({ ok: false, reason: 'invalid' });
  });
});
