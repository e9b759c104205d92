import { lazyChild } from '@clapboard/server/logger';
import type { Redis } from '@clapboard/server/redis';
import { isSessionRevoked, type RevocationCheck } from '@clapboard/server/sessions';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';
import { HttpError, unauthorized } from '../errors/http-error';
import { verifyAccessToken } from './access-token';

/** What `requireUser` needs: the token secret, and Redis for the session deny-list. */
export interface RequireUserDeps {
  jwtSecret: string;
  redis: Redis;
  /** Namespace of the deny-list keys; default `clapboard`. */
  redisPrefix?: string;
  /** A local mirror of the deny-list (main.ts); without it every request asks Redis. */
  revocations?: RevocationCheck;
}

/**
 * Requires `Authorization: Bearer <access token>`; sets `c.var.userId` and `c.var.sessionId`. An
 * expired token answers 401 `token_expired` so the client knows to refresh rather than sign in
 * again. A token of a revoked session (logout, password change, sign out everywhere, deletion) is
 * refused at once through the Redis deny-list, not 15 minutes later at its expiry.
 */
export function requireUser(deps: RequireUserDeps): MiddlewareHandler<AppEnv> {
  const prefix = deps.redisPrefix ?? 'clapboard';
  const revoked = (sessionId: string) =>
    deps.revocations
      ? deps.revocations.isRevoked(sessionId)
      : isSessionRevoked(deps.redis, prefix, sessionId);
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer ([\w.-]+)$/.exec(header);
    if (!match?.[1]) throw unauthorized();
    const verdict = await verifyAccessToken(deps.jwtSecret, match[1]);
    if (!verdict.ok) {
      if (verdict.reason === 'expired')
        throw new HttpError(401, 'token_expired', 'Your session expired. Refresh it or sign in again.');
      throw unauthorized('Your access token is not valid. Sign in again.');
    }
    const { userId, sessionId } = verdict.claims;
    if (sessionId && (await revoked(sessionId)))
      throw unauthorized('This session was signed out. Sign in again.');
    c.set('userId', userId);
    if (sessionId) c.set('sessionId', sessionId);
    c.set('log', lazyChild(c.var.log, { userId }));
    await next();
  };
}
