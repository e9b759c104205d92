import { type Logger, lazyChild } from '@clapboard/server/logger';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';

const REQUEST_ID = /^[\w.-]{1,64}$/;

/**
 * Sets a header on the finished response in place. `c.header()` after `next()` rebuilds the
 * response to stay safe with immutable headers (a fetched or `Response.error()` one), which makes
 * @hono/node-server trade its lightweight response for a full WHATWG one on every request; only
 * responses whose headers refuse the change take that path here.
 */
function setResponseHeader(c: Context<AppEnv>, name: string, value: string): void {
  try {
    c.res.headers.set(name, value);
  } catch {
    c.header(name, value);
  }
}

/**
 * Gives each request an id (a valid incoming `x-request-id` is kept), a child logger carrying it,
 * and one access-log line when the response is ready.
 */
export function requestContext(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    // Built only if the request logs something itself (most do not); the access line below
    // carries the same reqId field through the parent.
    c.set('requestId', requestId);
    c.set('log', lazyChild(log, { reqId: requestId }));
    const started = performance.now();
    await next();
    setResponseHeader(c, 'x-request-id', requestId);
    // A share link's token is its authorization: keep it out of the logs.
    const path = c.req.path.replace(/^\/embed\/[^/]+/, '/embed/<token>');
    if (path !== '/healthz') {
      log.info(
        {
          reqId: requestId,
          method: c.req.method,
          path,
          status: c.res.status,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    }
  };
}
