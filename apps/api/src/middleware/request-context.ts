import type { Logger } from '@clapboard/server/logger';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';

const REQUEST_ID = /^[\w.-]{1,64}$/;

/**
 * Gives each request an id (a valid incoming `x-request-id` is kept), a child logger carrying it,
 * and one access-log line when the response is ready.
 */
export function requestContext(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    const child = log.child({ reqId: requestId });
    c.set('requestId', requestId);
    c.set('log', child);
    const started = performance.now();
    await next();
    c.header('x-request-id', requestId);
    const path = new URL(c.req.url).pathname;
    if (path !== '/healthz') {
      child.info(
        { method: c.req.method, path, status: c.res.status, ms: Math.round(performance.now() - started) },
        'request',
      );
    }
  };
}
