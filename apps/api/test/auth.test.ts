import { testPrefix } from '@clapboard/server/testing';
import { deriveKey, TOKEN_ISSUER } from '@clapboard/server/tickets';
import { authResponseSchema, registerResponseSchema } from '@clapboard/shared/api';
import { errorBodySchema } from '@clapboard/shared/errors';
import { TICKET_AUDIENCE } from '@clapboard/shared/tickets';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { ACCESS_TOKEN_AUDIENCE, signAccessToken } from '../src/auth/access-token';
import { auth, createProject, refreshCookieOf, registerUser, type TestUser } from './fixtures';
import { createHarness, type Harness } from './harness';

const json = { 'content-type': 'application/json' };
const b64u = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('accounts and tokens', () => {
  let h: Harness;
  let alice: TestUser;
  beforeAll(async () => {
    h = await createHarness();
    alice = await registerUser(h, 'alice');
  });
  afterAll(() => h.close());

  const me = (token: string) =>
    h.app.request('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
  const login = (
    email: string,
    password: string,
    env?: { ip?: string },
    headers: Record<string, string> = {},
  ) =>
    h.app.request(
      '/api/v1/auth/login',
      { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify({ email, password }) },
      env,
    );
  const refresh = (cookie: string) =>
    h.app.request('/api/v1/auth/refresh', { method: 'POST', headers: { cookie: `cb_refresh=${cookie}` } });

  it('registers, stores an argon2id hash, and signs in with a refresh cookie', async () => {
    const [row] = await h.db.sql<
      { password_hash: string }[]
    >`select password_hash from users where id = ${alice.id}`;
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    const res = await login(alice.email.toUpperCase(), 'correct horse battery');
    expect(res.status).toBe(200);
    const body = authResponseSchema.parse(await res.json());
    expect(body.user).toMatchObject({ id: alice.id, email: alice.email });
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('cb_refresh='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/api\/v1\/auth/);
    expect(cookie).not.toMatch(/Secure/);
    const meRes = await me(body.accessToken);
    expect(meRes.status).toBe(200);
    expect(await meRes.json()).toEqual({
      user: { id: alice.id, email: alice.email, name: 'alice', isAdmin: false },
    });
  });

  it('marks the refresh cookie Secure when PUBLIC_URL is https', async () => {
    const app = createApp({ ...h.deps, publicUrl: 'https://studio.example' });
    const res = await app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: alice.email, password: 'correct horse battery' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().find((c) => c.startsWith('cb_refresh='))).toMatch(/; Secure/);
  });

  it('signs a new email in (201), answers a taken one with 202 and no session or statement, refuses a short password (400) and a wrong password (401)', async () => {
    const registerAs = (email: string) =>
      h.app.request('/api/v1/auth/register', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email, password: 'another long password', name: 'x' }),
      });
    const dup = await registerAs(alice.email);
    const fresh = await registerAs(`fresh-${Date.now()}@example.test`);
    expect(dup.status).toBe(202);
    expect(fresh.status).toBe(201);
    const dupBody = registerResponseSchema.parse(await dup.json());
    expect(dupBody.message).not.toMatch(/exists|taken|already/i);
    expect(authResponseSchema.parse(await fresh.json()).accessToken).toBeTruthy();
    expect(dup.headers.getSetCookie()).toEqual([]);
    expect(fresh.headers.getSetCookie().find((c) => c.startsWith('cb_refresh='))).toBeDefined();
    // The taken email kept its owner's password.
    expect((await login(alice.email, 'another long password')).status).toBe(401);
    expect((await login(alice.email, 'correct horse battery')).status).toBe(200);
    const short = await h.app.request('/api/v1/auth/register', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: 'new@example.test', password: 'short', name: 'x' }),
    });
    expect(short.status).toBe(400);
    const body = errorBodySchema.parse(await short.json());
    expect(body.error.code).toBe('validation_failed');
    expect(JSON.stringify(body.error.details)).toContain('password');
    expect((await login(alice.email, 'wrong password!!')).status).toBe(401);
    expect((await login('nobody@example.test', 'wrong password!!')).status).toBe(401);
  });

  it('GET /me needs a bearer token', async () => {
    expect((await h.app.request('/api/v1/me')).status).toBe(401);
    expect((await me('not-a-jwt')).status).toBe(401);
  });

  it('an expired access token answers 401 token_expired', async () => {
    const { token } = await signAccessToken(h.deps.jwtSecret, { userId: alice.id }, -30);
    const res = await me(token);
    expect(res.status).toBe(401);
    expect(errorBodySchema.parse(await res.json()).error.code).toBe('token_expired');
  });

  it('a realtime ticket is not an access token (wrong audience and key)', async () => {
    const project = await createProject(h, alice);
    const t = await h.app.request('/api/v1/realtime/tickets', {
      method: 'POST',
      headers: auth(alice.token),
      body: JSON.stringify({ projectId: project.id }),
    });
    expect(t.status).toBe(200);
    const { ticket } = (await t.json()) as { ticket: string };
    expect((await me(ticket)).status).toBe(401);
    // Same key as access tokens, only the audience differs: still refused.
    const wrongAud = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(alice.id)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TICKET_AUDIENCE)
      .setExpirationTime('5m')
      .sign(await deriveKey(h.deps.jwtSecret, 'access'));
    expect((await me(wrongAud)).status).toBe(401);
  });

  it('refuses alg:none, a wrong key and a tampered payload', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: alice.id, iss: TOKEN_ISSUER, aud: ACCESS_TOKEN_AUDIENCE, iat: now, exp: now + 300 };
    const none = `${b64u({ alg: 'none', typ: 'JWT' })}.${b64u(claims)}.`;
    expect((await me(none)).status).toBe(401);

    const otherKey = await signAccessToken('another-secret-0123456789-0123456789-xyz', { userId: alice.id });
    expect((await me(otherKey.token)).status).toBe(401);

    const bob = await registerUser(h, 'bob');
    const [header, , sig] = alice.token.split('.');
    const payload = JSON.parse(Buffer.from(alice.token.split('.')[1]!, 'base64url').toString()) as object;
    const tampered = `${header}.${b64u({ ...payload, sub: bob.id })}.${sig}`;
    expect((await me(tampered)).status).toBe(401);
    // Control: the untampered token works, so the 401s above are about the forgery.
    expect((await me(alice.token)).status).toBe(200);
  });

  it('rotates the refresh token on every use', async () => {
    const user = await registerUser(h, 'rotator');
    const r1 = await refresh(user.refreshCookie);
    expect(r1.status).toBe(200);
    const next = refreshCookieOf(r1)!;
    expect(next).toBeTruthy();
    expect(next).not.toBe(user.refreshCookie);
    const access = authResponseSchema.parse(await r1.json()).accessToken;
    expect((await me(access)).status).toBe(200);
    expect((await refresh(next)).status).toBe(200);
    // Only hashes are stored.
    const rows = await h.db.sql<{ n: number }[]>`
      select count(*)::int as n from refresh_tokens where token_hash = convert_to(${next}, 'UTF8')`;
    expect(rows[0]!.n).toBe(0);
  });

  it('the just-rotated token, presented again inside the grace window, gets the same successor (no revocation)', async () => {
    const user = await registerUser(h, 'two-tabs');
    const a = await refresh(user.refreshCookie);
    const b = await refresh(user.refreshCookie);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(refreshCookieOf(b)).toBe(refreshCookieOf(a));
    const [row] = await h.db.sql<{ live: number }[]>`
      select count(*)::int as live from refresh_tokens where user_id = ${user.id} and revoked_at is null and rotated_at is null`;
    expect(row!.live).toBe(1);
    expect((await refresh(refreshCookieOf(b)!)).status).toBe(200);
  });

  it('reuse of a rotated refresh token revokes the whole family, newest token included', async () => {
    const user = await registerUser(h, 'victim');
    const first = user.refreshCookie;
    const r1 = await refresh(first);
    const second = refreshCookieOf(r1)!;
    const r2 = await refresh(second);
    expect(r2.status).toBe(200);
    const newest = refreshCookieOf(r2)!;

    // The replay comes after the grace window for concurrent tabs (REFRESH_GRACE_SEC): move the clock of the rotations back.
    await h.db
      .sql`update refresh_tokens set rotated_at = rotated_at - interval '1 minute' where user_id = ${user.id}`;
    const replay = await refresh(first); // an attacker replays the stolen, already rotated token
    expect(replay.status).toBe(401);
    expect(replay.headers.getSetCookie().join()).toMatch(/cb_refresh=;/);
    expect((await refresh(newest)).status).toBe(401);
    const [row] = await h.db.sql<{ live: number }[]>`
      select count(*)::int as live from refresh_tokens where user_id = ${user.id} and revoked_at is null`;
    expect(row!.live).toBe(0);
    // A separate login (a new family) is unaffected.
    expect((await login(user.email, 'correct horse battery')).status).toBe(200);
  });

  it('logout revokes the session and clears the cookie', async () => {
    const user = await registerUser(h, 'leaver');
    const out = await h.app.request('/api/v1/auth/logout', {
      method: 'POST',
      headers: { cookie: `cb_refresh=${user.refreshCookie}` },
    });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join()).toMatch(/cb_refresh=;.*Max-Age=0/);
    expect((await refresh(user.refreshCookie)).status).toBe(401);
    expect((await h.app.request('/api/v1/auth/refresh', { method: 'POST' })).status).toBe(401);
    const [audit] = await h.db.sql<{ n: number }[]>`
      select count(*)::int as n from audit_log where actor_id = ${user.id} and action = 'user.logout'`;
    expect(audit!.n).toBe(1);
  });

  it('logout without the cookie ends the session its bearer token names (API clients)', async () => {
    const user = await registerUser(h, 'api-client');
    expect((await me(user.token)).status).toBe(200);
    const out = await h.app.request('/api/v1/auth/logout', {
      method: 'POST',
      headers: { authorization: `Bearer ${user.token}` },
    });
    expect(out.status).toBe(204);
    expect((await me(user.token)).status).toBe(401);
    expect((await refresh(user.refreshCookie)).status).toBe(401);
  });
});

describe('login rate limits', () => {
  let h: Harness;
  let carol: TestUser;
  beforeAll(async () => {
    h = await createHarness({ loginRateLimit: { perIpAccount: 3, perIp: 5, windowSec: 60 } });
    carol = await registerUser(h, 'carol');
  });
  afterAll(() => h.close());

  const attempt = (app: typeof h.app, email: string, ip: string, headers: Record<string, string> = {}) =>
    app.request(
      '/api/v1/auth/login',
      {
        method: 'POST',
        headers: { ...json, ...headers },
        body: JSON.stringify({ email, password: 'wrong-guess-123' }),
      },
      { ip },
    );

  const rightPassword = (app: typeof h.app, email: string, ip: string) =>
    app.request(
      '/api/v1/auth/login',
      { method: 'POST', headers: json, body: JSON.stringify({ email, password: 'correct horse battery' }) },
      { ip },
    );

  it('backs off one address after its wrong passwords (429 + Retry-After) while the right password from another address works', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt(h.app, carol.email, '192.0.2.1')).status).toBe(401);
    const limited = await attempt(h.app, carol.email, '192.0.2.1');
    expect(limited.status).toBe(429);
    const retry = Number(limited.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    const body = errorBodySchema.parse(await limited.json());
    expect(body.error.code).toBe('rate_limited');
    // Even the right password waits out the backoff from the attacking address...
    expect((await rightPassword(h.app, carol.email, '192.0.2.1')).status).toBe(429);
    // ...but the real user at another address is not locked out.
    expect((await rightPassword(h.app, carol.email, '192.0.2.51')).status).toBe(200);
  });

  it('limits attempts per IP across accounts; X-Forwarded-For is ignored without a trusted proxy', async () => {
    const ip = '198.51.100.7';
    for (let i = 0; i < 5; i++) {
      const res = await attempt(h.app, `spray${i}@example.test`, ip, { 'x-forwarded-for': `203.0.113.${i}` });
      expect(res.status).toBe(401);
    }
    expect(
      (await attempt(h.app, 'spray9@example.test', ip, { 'x-forwarded-for': '203.0.113.99' })).status,
    ).toBe(429);
    expect((await attempt(h.app, 'spray9@example.test', '198.51.100.8')).status).toBe(401);
  });

  it('behind a trusted proxy the last X-Forwarded-For entry is the client', async () => {
    const app = createApp({
      ...h.deps,
      trustProxy: true,
      redisPrefix: testPrefix('proxy'),
      loginRateLimit: { perIpAccount: 100, perIp: 2, windowSec: 60 },
    });
    const proxy = '10.0.0.1';
    for (let i = 0; i < 2; i++)
      expect(
        (await attempt(app, `p${i}@example.test`, proxy, { 'x-forwarded-for': '1.1.1.1, 203.0.113.5' }))
          .status,
      ).toBe(401);
    expect(
      (await attempt(app, 'p3@example.test', proxy, { 'x-forwarded-for': '9.9.9.9, 203.0.113.5' })).status,
    ).toBe(429);
    expect((await attempt(app, 'p4@example.test', proxy, { 'x-forwarded-for': '203.0.113.6' })).status).toBe(
      401,
    );
  });
});
