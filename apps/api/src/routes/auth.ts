import {
  API_PREFIX,
  authResponseSchema,
  loginBodySchema,
  meResponseSchema,
  registerBodySchema,
  type User,
} from '@clapboard/shared/api';
import { createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../app';
import type { AppEnv } from '../app-env';
import { writeAudit } from '../audit/write-audit';
import { signAccessToken } from '../auth/access-token';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { decoyHash, hashPassword, verifyPassword } from '../auth/password';
import { hitRateLimit } from '../auth/rate-limit';
import { clearRefreshCookie, readRefreshCookie, setRefreshCookie } from '../auth/refresh-cookie';
import { issueRefreshToken, revokeByToken, rotateRefreshToken } from '../auth/refresh-tokens';
import { requireUser } from '../auth/require-user';
import { conflict, notFound, rateLimited, unauthorized } from '../errors/http-error';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';

/** Login attempts allowed per window, per account and per client IP. */
export interface LoginRateLimit {
  perAccount: number;
  perIp: number;
  windowSec: number;
}
export const DEFAULT_LOGIN_RATE_LIMIT: LoginRateLimit = { perAccount: 5, perIp: 20, windowSec: 60 };

const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const register = createRoute({
  method: 'post',
  path: `${API_PREFIX}/auth/register`,
  tags: ['auth'],
  summary: 'Create an account and sign in (sets the refresh cookie)',
  request: { body: { required: true, content: { 'application/json': { schema: registerBodySchema } } } },
  responses: {
    201: json(authResponseSchema, 'Account created; access token and refresh cookie issued'),
    ...errorsFor(400, 409),
  },
});
const login = createRoute({
  method: 'post',
  path: `${API_PREFIX}/auth/login`,
  tags: ['auth'],
  summary: 'Sign in with email and password (rate limited per account and per IP)',
  request: { body: { required: true, content: { 'application/json': { schema: loginBodySchema } } } },
  responses: {
    200: json(authResponseSchema, 'Signed in; access token and refresh cookie issued'),
    ...errorsFor(400, 401, 429),
  },
});
const refresh = createRoute({
  method: 'post',
  path: `${API_PREFIX}/auth/refresh`,
  tags: ['auth'],
  summary: 'Rotate the refresh cookie and get a new access token',
  responses: {
    200: json(authResponseSchema, 'New access token and rotated refresh cookie'),
    ...errorsFor(401),
  },
});
const logout = createRoute({
  method: 'post',
  path: `${API_PREFIX}/auth/logout`,
  tags: ['auth'],
  summary: 'Revoke this session (its refresh-token family) and clear the cookie',
  responses: { 204: { description: 'Signed out' } },
});
const me = createRoute({
  method: 'get',
  path: `${API_PREFIX}/me`,
  tags: ['auth'],
  summary: 'The signed-in user',
  security: bearerSecurity,
  responses: { 200: json(meResponseSchema, 'The signed-in user'), ...errorsFor(401) },
});

type UserRow = { id: string; email: string; name: string; is_admin: boolean; password_hash: string };
const toUser = (r: Omit<UserRow, 'password_hash'>): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  isAdmin: r.is_admin,
});

/** SHA-256 hex, so Redis keys never hold a raw email address. */
async function digest(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(bytes.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Accounts: register, login (argon2id, rate limited), refresh (rotating opaque tokens with reuse
 * detection), logout, and `GET /me`.
 */
export function authRoutes(deps: AppDeps) {
  const limits = { ...DEFAULT_LOGIN_RATE_LIMIT, ...deps.loginRateLimit };
  const prefix = deps.redisPrefix ?? 'clapboard';
  const ipOf = (c: Context<AppEnv>) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);

  /** Issues the access token and a refresh token (new family unless given) and sets the cookie. */
  async function startSession(c: Context<AppEnv>, user: User) {
    const rt = await issueRefreshToken(deps.sql, user.id, {
      userAgent: c.req.header('user-agent'),
      ip: ipOf(c),
    });
    setRefreshCookie(c, rt.token, rt.expiresAt, deps.publicUrl);
    const access = await signAccessToken(deps.jwtSecret, { userId: user.id, sessionId: rt.familyId });
    return { accessToken: access.token, expiresAt: access.expiresAt.toISOString(), user };
  }

  const router = createRouter();
  router.openapi(register, async (c) => {
    const body = c.req.valid('json');
    const passwordHash = await hashPassword(body.password);
    const [row] = await deps.sql<UserRow[]>`
      insert into users (email, name, password_hash) values (${body.email}, ${body.name}, ${passwordHash})
      on conflict (email) do nothing
      returning id, email, name, is_admin`;
    if (!row) throw conflict('An account with this email already exists. Sign in instead.');
    await writeAudit(deps.sql, {
      projectId: null,
      actorId: row.id,
      action: 'user.register',
      targetType: 'user',
      targetId: row.id,
      ip: ipOf(c),
    });
    return c.json(await startSession(c, toUser(row)), 201);
  });

  router.openapi(login, async (c) => {
    const body = c.req.valid('json');
    const ip = ipOf(c);
    // Per IP first: one address spraying many accounts is stopped even when each account is fresh.
    const byIp = await hitRateLimit(
      deps.redis,
      `${prefix}:rl:login:ip:${ip}`,
      limits.perIp,
      limits.windowSec,
    );
    if (!byIp.allowed) throw rateLimited(byIp.retryAfterSec, 'Too many sign-in attempts from your network.');
    const byAccount = await hitRateLimit(
      deps.redis,
      `${prefix}:rl:login:acct:${await digest(body.email)}`,
      limits.perAccount,
      limits.windowSec,
    );
    if (!byAccount.allowed)
      throw rateLimited(byAccount.retryAfterSec, 'Too many sign-in attempts for this account.');

    const [row] = await deps.sql<UserRow[]>`
      select id, email, name, is_admin, password_hash from users where email = ${body.email}`;
    const ok = await verifyPassword(row?.password_hash ?? (await decoyHash()), body.password);
    if (!row || !ok) throw unauthorized('Email or password is wrong.');
    await writeAudit(deps.sql, {
      projectId: null,
      actorId: row.id,
      action: 'user.login',
      targetType: 'user',
      targetId: row.id,
      ip,
    });
    return c.json(await startSession(c, toUser(row)), 200);
  });

  router.openapi(refresh, async (c) => {
    const token = readRefreshCookie(c);
    if (!token) throw unauthorized('No session to refresh. Sign in.');
    const result = await rotateRefreshToken(deps.sql, token, {
      userAgent: c.req.header('user-agent'),
      ip: ipOf(c),
    });
    if (!result.ok) {
      clearRefreshCookie(c, deps.publicUrl);
      if (result.reason === 'reused') {
        c.var.log.warn({ reason: result.reason }, 'refresh token reuse: family revoked');
      }
      // The cleared cookie survives the throw: onError answers through the same context.
      throw unauthorized('Your session ended. Sign in again.');
    }
    const [row] = await deps.sql<
      UserRow[]
    >`select id, email, name, is_admin from users where id = ${result.userId}`;
    if (!row) throw unauthorized('Your session ended. Sign in again.');
    setRefreshCookie(c, result.next.token, result.next.expiresAt, deps.publicUrl);
    const access = await signAccessToken(deps.jwtSecret, { userId: row.id, sessionId: result.next.familyId });
    return c.json(
      { accessToken: access.token, expiresAt: access.expiresAt.toISOString(), user: toUser(row) },
      200,
    );
  });

  router.openapi(logout, async (c) => {
    const token = readRefreshCookie(c);
    if (token) {
      const userId = await revokeByToken(deps.sql, token);
      if (userId)
        await writeAudit(deps.sql, {
          projectId: null,
          actorId: userId,
          action: 'user.logout',
          targetType: 'user',
          targetId: userId,
          ip: ipOf(c),
        });
    }
    clearRefreshCookie(c, deps.publicUrl);
    return c.body(null, 204);
  });

  router.use(me.path, requireUser(deps.jwtSecret));
  router.openapi(me, async (c) => {
    const [row] = await deps.sql<UserRow[]>`
      select id, email, name, is_admin from users where id = ${currentUserId(c)}`;
    if (!row) throw notFound('User');
    return c.json({ user: toUser(row) }, 200);
  });
  return router;
}
