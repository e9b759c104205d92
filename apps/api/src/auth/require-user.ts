import { lazyChild } from '@clapboard/server/logger';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';
import { HttpError, unauthorized } from '../errors/http-error';
import { verifyAccessToken } from './access-token';

/**
 * Requires `Authorization: Bearer <access token>`; sets `c.var.userId`. An expired token answers
 * 401 `token_expired` so the client knows to refresh rather than sign in again.
 */
export function requireUser(jwtSecret: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer ([\w.-]+)$/.exec(header);
    if (!match?.[1]) throw unauthorized();
    const verdict = await verifyAccessToken(jwtSecret, match[1]);
    if (!verdict.ok) {
      if (verdict.reason === 'expired')
        throw new HttpError(401, 'token_expired', 'Your session expired. Refresh it or sign in again.');
      throw unauthorized('Your access token is not valid. Sign in again.');
    }
    c.set('userId', verdict.claims.userId);
    c.set('log', lazyChild(c.var.log, { userId: verdict.claims.userId }));
    await next();
  };
}
