import {
  API_PREFIX,
  authOptionsSchema,
  authResponseSchema,
  loginBodySchema,
  passwordResetAcceptedSchema,
  passwordResetConfirmSchema,
  passwordResetRequestSchema,
  registerBodySchema,
  registerResponseSchema,
  type User,
} from '@clapboard/shared/api';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../app';
import type { AppEnv } from '../app-env';
import { writeAudit } from '../audit/write-audit';
import { signAccessToken, verifyAccessToken } from '../auth/access-token';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { endSessions } from '../auth/end-sessions';
import { limitStoreOf } from '../auth/limit-store';
import { DEFAULT_LOGIN_RATE_LIMIT, digest, loginThrottle } from '../auth/login-throttle';
import { decoyHash, hashPassword, verifyPassword } from '../auth/password';
import {
  consumePasswordReset,
  DEFAULT_PASSWORD_RESET_TTL_SEC,
  issuePasswordReset,
} from '../auth/password-resets';
import { DEFAULT_REGISTER_RATE_LIMIT, hitRateLimit } from '../auth/rate-limit';
import { clearRefreshCookie, readRefreshCookie, setRefreshCookie } from '../auth/refresh-cookie';
import { awaitGrace, REFRESH_GRACE_SEC, saveGrace } from '../auth/refresh-grace';
import { issueRefreshToken, revokeByToken, revokeFamily, rotateRefreshToken } from '../auth/refresh-tokens';
import { requireUser } from '../auth/require-user';
import { badRequest, rateLimited, unauthorized } from '../errors/http-error';
import { bearerSecurity, createRouter, jsonBody, jsonResponse } from './create-router';
import { errorsFor } from './error-responses';

export { DEFAULT_LOGIN_RATE_LIMIT, type LoginRateLimit } from '../auth/login-throttle';
export { DEFAULT_REGISTER_RATE_LIMIT, type RegisterRateLimit } from '../auth/rate-limit';

const register = createRoute({
  method: 'post',
  path: `${API_PREFIX}/auth/register`,
  tags: ['auth'],
  summary: 'Create an account and sign in (201); a taken email gets 202 with no session',
  description:
    'A new email: 201 with `{ accessToken, user }` and the refresh cookie, as login answers (the fixed contract). A taken email: 202 `{ status: "accepted" }` with no session and no statement that the email is taken; its owner is told by email when SMTP is configured. Both are rate limited per address and per email.',
  request: jsonBody(registerBodySchema),
  responses: {
    201: jsonResponse(authResponseSchema, 'Created and signed in'),
    202: jsonResponse(registerResponseSchema, 'Taken email: nothing created, no session'),
    ...errorsFor(400, 429),
  },
});
const login = createRoute({
  method: 'post',
  path: `${API_PREFIX}/auth/login`,
  tags: ['auth'],
  summary: 'Sign in with email and password (rate limited per address and per address+account)',
  request: jsonBody(loginBodySchema),
  responses: {
    200: jsonResponse(authResponseSchema, 'Signed in; access token and refresh cookie issued'),
    ...errorsFor(400, 401, 429),
  },
});
const refresh = createRoute({
  method: 'post',
  path: `${API_PREFIX}/auth/refresh`,
  tags: ['auth'],
  summary: 'Rotate the refresh cookie and get a new access token (safe from several tabs at once)',
  responses: {
    200: jsonResponse(authResponseSchema, 'New access token and rotated refresh cookie'),
    ...errorsFor(401),
  },
});
const logout = createRoute({
  method: 'post',
  path: `${API_PREFIX}/auth/logout`,
  tags: ['auth'],
  summary: 'End this session at once (refresh family, access tokens, sockets) and clear the cookie',
  responses: { 204: { description: 'Signed out' } },
});
const logoutAll = createRoute({
  method: 'post',
  path: `${API_PREFIX}/auth/logout-all`,
  tags: ['auth'],
  summary: 'Sign out everywhere: end every session of the signed-in user at once',
  security: bearerSecurity,
  responses: { 204: { description: 'Every session ended' }, ...errorsFor(401) },
});
const options = createRoute({
  method: 'get',
  path: `${API_PREFIX}/auth/options`,
  tags: ['auth'],
  summary: 'How this instance resets forgotten passwords (emailed link, or link from an admin)',
  responses: { 200: jsonResponse(authOptionsSchema, 'Sign-in options') },
});
const resetRequest = createRoute({
  method: 'post',
  path: `${API_PREFIX}/auth/password-reset`,
  tags: ['auth'],
  summary: 'Ask for a reset link; the same 202 answers known and unknown emails',
  request: jsonBody(passwordResetRequestSchema),
  responses: {
    202: jsonResponse(passwordResetAcceptedSchema, 'Accepted; says how the link arrives on this instance'),
    ...errorsFor(400, 429),
  },
});
const resetConfirm = createRoute({
  method: 'post',
  path: `${API_PREFIX}/auth/password-reset/confirm`,
  tags: ['auth'],
  summary: 'Set a new password with a one-time reset link; ends every session',
  request: jsonBody(passwordResetConfirmSchema),
  responses: { 204: { description: 'Password set; sign in with it' }, ...errorsFor(400, 429) },
});
export type UserRow = { id: string; email: string; name: string; is_admin: boolean; password_hash: string };
export const toUser = (r: Omit<UserRow, 'password_hash'>): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  isAdmin: r.is_admin,
});

/**
 * Accounts: register, login (argon2id, rate limited with per address+account backoff), refresh
 * (rotating opaque tokens with reuse detection and a grace window for concurrent tabs), logout,
 * sign out everywhere and password reset by one-time link. The signed-in account's own routes
 * (`/me`) are in `account.ts`.
 */
export function authRoutes(deps: AppDeps) {
  const loginLimits = { ...DEFAULT_LOGIN_RATE_LIMIT, ...deps.loginRateLimit };
  const registerLimits = { ...DEFAULT_REGISTER_RATE_LIMIT, ...deps.registerRateLimit };
  const prefix = deps.redisPrefix ?? 'clapboard';
  const graceSec = deps.refreshGraceSec ?? REFRESH_GRACE_SEC;
  const limitStore = limitStoreOf(deps);
  const throttle = loginThrottle(limitStore, prefix, loginLimits);
  const ipOf = (c: Context<AppEnv>) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);

  /** Per address and per email limits of the unauthenticated account routes (register, reset). */
  async function limitAccountRequest(kind: string, ip: string, email: string) {
    const w = registerLimits.windowSec;
    const byIp = await hitRateLimit(
      limitStore,
      `${prefix}:rl:${kind}:ip:${await digest(ip)}`,
      registerLimits.perIp,
      w,
    );
    if (!byIp.allowed) throw rateLimited(byIp.retryAfterSec, 'Too many requests from your network.');
    const byEmail = await hitRateLimit(
      limitStore,
      `${prefix}:rl:${kind}:email:${await digest(email)}`,
      registerLimits.perEmail,
      w,
    );
    if (!byEmail.allowed) throw rateLimited(byEmail.retryAfterSec, 'Too many requests for this email.');
  }

  /** Sends mail without making the response wait for it (its timing would reveal the account). */
  function sendInBackground(to: string, subject: string, text: string, c: Context<AppEnv>) {
    if (!deps.mailer) return;
    deps.mailer
      .send({ to, subject, text })
      .catch((err: unknown) => c.var.log.error({ err }, 'sending mail failed'));
  }

  /** The session of a valid bearer token on this request, if any (logout without the cookie). */
  async function bearerSession(c: Context<AppEnv>) {
    const bearer = /^Bearer ([\w.-]+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    if (!bearer) return null;
    const verdict = await verifyAccessToken(deps.jwtSecret, bearer);
    if (!verdict.ok || !verdict.claims.sessionId) return null;
    return { userId: verdict.claims.userId, familyId: verdict.claims.sessionId };
  }

  /** Issues the access token and a refresh token (new family) and sets the cookie. */
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
    const input = c.req.valid('json');
    const ip = ipOf(c);
    await limitAccountRequest('register', ip, input.email);
    // Hashed for taken emails too, so both answers cost the same time.
    const passwordHash = await hashPassword(input.password);
    const [row] = await deps.sql<UserRow[]>`
      insert into users (email, name, password_hash) values (${input.email}, ${input.name}, ${passwordHash})
      on conflict (email) do nothing
      returning id, email, name, is_admin`;
    if (row) {
      await writeAudit(deps.sql, {
        projectId: null,
        actorId: row.id,
        action: 'user.register',
        targetType: 'user',
        targetId: row.id,
        ip,
      });
    } else {
      sendInBackground(
        input.email,
        'Someone tried to create a Clapboard account with your email',
        `Somebody (maybe you) tried to register ${input.email} at ${deps.publicUrl}, which already has an account.\n` +
          `If it was you, sign in, or reset your password at ${deps.publicUrl}/forgot-password.\nIf not, ignore this message.`,
        c,
      );
    }
    if (row) {
      await throttle.registered(input.email, ip);
      return c.json(await startSession(c, toUser(row)), 201);
    }
    return c.json(
      {
        status: 'accepted' as const,
        message: 'No new account was created. If this email is yours, sign in or reset your password.',
      },
      202,
    );
  });

  router.openapi(login, async (c) => {
    const input = c.req.valid('json');
    const keys = await throttle.check(input.email, ipOf(c));
    const [row] = await deps.sql<UserRow[]>`
      select id, email, name, is_admin, password_hash from users where email = ${input.email}`;
    const ok = await verifyPassword(row?.password_hash ?? (await decoyHash()), input.password);
    if (!row || !ok) {
      await throttle.failed(keys);
      throw unauthorized('Email or password is wrong.');
    }
    await throttle.succeeded(keys);
    await writeAudit(deps.sql, {
      projectId: null,
      actorId: row.id,
      action: 'user.login',
      targetType: 'user',
      targetId: row.id,
      ip: ipOf(c),
    });
    return c.json(await startSession(c, toUser(row)), 200);
  });

  router.openapi(refresh, async (c) => {
    const token = readRefreshCookie(c);
    if (!token) throw unauthorized('No session to refresh. Sign in.');
    const result = await rotateRefreshToken(
      deps.sql,
      token,
      { userAgent: c.req.header('user-agent'), ip: ipOf(c) },
      graceSec,
    );
    let next: { token: string; expiresAt: Date; familyId: string; userId: string } | null = null;
    if (result.ok) {
      next = { ...result.next, userId: result.userId };
      if (graceSec > 0)
        await saveGrace(
          deps.redis,
          prefix,
          token,
          { ...next, expiresAt: next.expiresAt.toISOString() },
          graceSec,
        );
    } else if (result.reason === 'raced') {
      // Another tab rotated this token a moment ago: hand out the same successor.
      const entry = await awaitGrace(deps.redis, prefix, token);
      if (entry) next = { ...entry, expiresAt: new Date(entry.expiresAt) };
      else await revokeFamily(deps.sql, result.familyId);
    }
    if (!next) {
      clearRefreshCookie(c, deps.publicUrl);
      if (!result.ok && (result.reason === 'reused' || result.reason === 'raced')) {
        c.var.log.warn({ reason: result.reason }, 'refresh token reuse: family revoked');
        await endSessions(deps, result.userId, { only: [result.familyId], reason: 'refresh_reuse' });
      }
      // The cleared cookie survives the throw: onError answers through the same context.
      throw unauthorized('Your session ended. Sign in again.');
    }
    const [row] = await deps.sql<
      UserRow[]
    >`select id, email, name, is_admin from users where id = ${next.userId}`;
    if (!row) throw unauthorized('Your session ended. Sign in again.');
    setRefreshCookie(c, next.token, next.expiresAt, deps.publicUrl);
    const access = await signAccessToken(deps.jwtSecret, { userId: row.id, sessionId: next.familyId });
    return c.json(
      { accessToken: access.token, expiresAt: access.expiresAt.toISOString(), user: toUser(row) },
      200,
    );
  });

  router.openapi(logout, async (c) => {
    const token = readRefreshCookie(c);
    // The cookie names the session; an API client without one may name it by its bearer token.
    const session = token ? await revokeByToken(deps.sql, token) : await bearerSession(c);
    if (session) {
      await endSessions(deps, session.userId, { only: [session.familyId], reason: 'logout' });
      await writeAudit(deps.sql, {
        projectId: null,
        actorId: session.userId,
        action: 'user.logout',
        targetType: 'user',
        targetId: session.userId,
        ip: ipOf(c),
      });
    }
    clearRefreshCookie(c, deps.publicUrl);
    return c.body(null, 204);
  });

  router.use(logoutAll.getRoutingPath(), requireUser(deps));
  router.openapi(logoutAll, async (c) => {
    const userId = currentUserId(c);
    const ended = await endSessions(deps, userId, { reason: 'logout_all' });
    await writeAudit(deps.sql, {
      projectId: null,
      actorId: userId,
      action: 'user.logout_all',
      targetType: 'user',
      targetId: userId,
      details: { sessions: ended.length },
      ip: ipOf(c),
    });
    clearRefreshCookie(c, deps.publicUrl);
    return c.body(null, 204);
  });

  router.openapi(options, (c) =>
    c.json({ passwordReset: deps.mailer ? ('email' as const) : ('admin' as const) }, 200),
  );

  router.openapi(resetRequest, async (c) => {
    const { email } = c.req.valid('json');
    await limitAccountRequest('reset', ipOf(c), email);
    if (deps.mailer) {
      const [user] = await deps.sql<{ id: string }[]>`select id from users where email = ${email}`;
      if (user) {
        const link = await issuePasswordReset(deps.sql, deps.publicUrl, user.id, {
          ttlSec: deps.passwordResetTtlSec ?? DEFAULT_PASSWORD_RESET_TTL_SEC,
        });
        sendInBackground(
          email,
          'Reset your Clapboard password',
          `Open this link to choose a new password (it works once, until ${link.expiresAt.toISOString()}):\n\n${link.url}\n\n` +
            'If you did not ask for it, ignore this message; your password stays as it is.',
          c,
        );
      }
    }
    return c.json(
      deps.mailer
        ? {
            status: 'accepted' as const,
            delivery: 'email' as const,
            message: 'If an account uses this email, a reset link is on its way.',
          }
        : {
            status: 'accepted' as const,
            delivery: 'admin' as const,
            message: 'This studio sends no email. Ask an instance admin for a reset link.',
          },
      202,
    );
  });

  router.openapi(resetConfirm, async (c) => {
    const input = c.req.valid('json');
    const byIp = await hitRateLimit(
      limitStore,
      `${prefix}:rl:reset-confirm:ip:${await digest(ipOf(c))}`,
      loginLimits.perIp,
      loginLimits.windowSec,
    );
    if (!byIp.allowed) throw rateLimited(byIp.retryAfterSec, 'Too many attempts from your network.');
    const passwordHash = await hashPassword(input.password);
    const userId = await consumePasswordReset(deps.sql, input.token);
    if (!userId)
      throw badRequest(
        'This reset link is not valid: it was used already or has expired. Ask for a new one.',
      );
    await deps.sql`update users set password_hash = ${passwordHash}, updated_at = now() where id = ${userId}`;
    await endSessions(deps, userId, { reason: 'password_reset' });
    await writeAudit(deps.sql, {
      projectId: null,
      actorId: userId,
      action: 'user.password_reset',
      targetType: 'user',
      targetId: userId,
      ip: ipOf(c),
    });
    return c.body(null, 204);
  });

  return router;
}
