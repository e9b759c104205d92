import { TICKET_AUDIENCE } from '@clapboard/shared/tickets';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { deriveKey, signTicket, TOKEN_ISSUER, verifyTicket } from './tickets';

const secret = 'test-secret-that-is-long-enough-0123456789';
const claims = {
  userId: '00000000-0000-4000-8000-000000000001',
  name: 'Ada',
  projectId: '00000000-0000-4000-8000-000000000002',
  role: 'editor' as const,
};

describe('realtime tickets', () => {
  it('round-trips the user, project and role', async () => {
    const { ticket, expiresAt } = await signTicket(secret, claims);
    const verdict = await verifyTicket(secret, ticket);
    expect(verdict).toEqual({
      ok: true,
      claims: { ...claims, scope: 'workspace', expiresAt: Math.floor(expiresAt.getTime() / 1000) },
    });
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(55_000);
  });

  it('carries a variants scope, and reads a ticket signed without one as a workspace ticket', async () => {
    const guest = await signTicket(secret, { ...claims, role: 'guest', scope: 'variants' });
    const verdict = await verifyTicket(secret, guest.ticket);
    expect(verdict.ok && verdict.claims.scope).toBe('variants');

    const legacy = await new SignJWT({ projectId: claims.projectId, role: claims.role, name: claims.name })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TICKET_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(await deriveKey(secret, 'ticket'));
    const old = await verifyTicket(secret, legacy);
    expect(old.ok && old.claims.scope).toBe('workspace');
  });

  it('refuses expired, wrong-key, tampered, alg:none and wrong-audience tickets', async () => {
    const expired = await signTicket(secret, claims, -10);
    expect(await verifyTicket(secret, expired.ticket)).toEqual({ ok: false, reason: 'expired' });

    const { ticket } = await signTicket(secret, claims);
    expect(await verifyTicket('another-secret', ticket)).toEqual({ ok: false, reason: 'invalid' });

    const [h, p, s] = ticket.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, role: 'owner' })).toString('base64url')}.${s}`;
    expect(await verifyTicket(secret, tampered)).toEqual({ ok: false, reason: 'invalid' });

    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    expect(await verifyTicket(secret, none)).toEqual({ ok: false, reason: 'invalid' });

    const wrongAud = await new SignJWT({ ...payload })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience('clapboard-api')
      .sign(await deriveKey(secret, 'ticket'));
    expect(await verifyTicket(secret, wrongAud)).toEqual({ ok: false, reason: 'invalid' });

    expect(await verifyTicket(secret, undefined)).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifyTicket(secret, 'x'.repeat(5000))).toEqual({ ok: false, reason: 'invalid' });
  });
});
