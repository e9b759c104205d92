import { httpMetrics, metricsAuthorized, type Registry } from '@clapboard/server/metrics';
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../app-env';

/**
 * Serves `GET /metrics` from `registry` (behind the optional bearer token) and times every other
 * request by its matched route pattern (`/api/v1/projects/:id`, never the raw path, so ids do not
 * become label values). Requests no route matched are counted under `route="other"`.
 */
export function metricsMiddleware(registry: Registry, token: string | undefined): MiddlewareHandler<AppEnv> {
  const http = httpMetrics(registry);
  return async (c, next) => {
    if (c.req.path === '/metrics' && c.req.method === 'GET') {
      if (!metricsAuthorized(c.req.header('authorization'), token))
        return c.text('metrics token required\n', 401, { 'www-authenticate': 'Bearer' });
      return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
    }
    const started = performance.now();
    await next();
    const path = matchedRoutes(c)[c.req.routeIndex]?.path;
    const route = !path || path === '*' || path === '/*' ? 'other' : path;
    http.observe(c.req.method, route, c.res.status, (performance.now() - started) / 1000);
  };
}
