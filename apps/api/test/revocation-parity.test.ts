import { isSessionRevoked, postgresRevocations } from '@clapboard/server/sessions';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, PASSWORD, registerUser, type TestUser } from './fixtures';
import { createHarness, type Harness } from './harness';

/**
 * The edge entry asks Postgres whether a session is revoked (`postgresRevocations`); the Node entry
 * asks the Redis deny-list. Every way a session ends must look the same through both.
 */
describe('session revocation: Postgres and the Redis deny-list agree', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({
      loginRateLimit: { perIp: 1000, perIpAccount: 1000 },
      registerRateLimit: { perIp: 1000, perEmail: 1000 },
    });
  });
  afterAll(() => h.close());

  const sid = (token: string) => decodeJwt(token).sid as string;
  const both = async (sessionId: string) => ({
    postgres: await postgresRevocations(h.db.sql).isRevoked(sessionId),
    redis: await isSessionRevoked(h.redis, h.redisPrefix, sessionId),
  });
  const login = async (user: TestUser) => {
    const res = await h.app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { accessToken: string }).accessToken;
  };
  const json = (token: string, method: string, body: unknown) => ({
    method,
    headers: { ...auth(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  it('live, logged out, ended by a password change (except its own), refresh reuse, account deletion', async () => {
    const user = await registerUser(h, 'parity');
    const first = sid(user.token);
    const second = sid(await login(user));
    const third = sid(await login(user));
    expect(await both(first)).toEqual({ postgres: false, redis: false });

    const out = await h.app.request('/api/v1/auth/logout', { method: 'POST', headers: auth(user.token) });
    expect(out.status).toBe(204);
    expect(await both(first)).toEqual({ postgres: true, redis: true });
    expect(await both(second)).toEqual({ postgres: false, redis: false });

    // A password change ends every other session and keeps the one that made it.
    const secondToken = await login(user);
    const keeper = sid(secondToken);
    const changed = await h.app.request(
      '/api/v1/me/password',
      json(secondToken, 'POST', { currentPassword: PASSWORD, newPassword: `${PASSWORD} 2` }),
    );
    expect(changed.status).toBe(204);
    expect(await both(second)).toEqual({ postgres: true, redis: true });
    expect(await both(third)).toEqual({ postgres: true, redis: true });
    expect(await both(keeper)).toEqual({ postgres: false, redis: false });

    // Deleting the account ends the last one (its refresh tokens go with the account).
    const gone = await h.app.request(
      '/api/v1/me',
      json(secondToken, 'DELETE', { password: `${PASSWORD} 2` }),
    );
    expect(gone.status).toBe(204);
    expect(await both(keeper)).toEqual({ postgres: true, redis: true });
  });

  it('a session id nobody issued counts as revoked in Postgres (nothing live), and as absent in Redis', async () => {
    const unknown = crypto.randomUUID();
    expect(await both(unknown)).toEqual({ postgres: true, redis: false });
  });
});
