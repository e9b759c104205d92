import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { unauthorized } from '../errors/http-error';

/** The user id `requireUser` put on the context; throws 401 when a route forgot the middleware. */
export function currentUserId(c: Context<AppEnv>): string {
  const id = c.var.userId;
  if (!id) throw unauthorized();
  return id;
}
