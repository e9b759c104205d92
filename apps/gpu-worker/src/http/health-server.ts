import { createServer, type Server } from 'node:http';
import { pingDb, type Sql } from '@clapboard/server/db';
import { metricsAuthorized } from '@clapboard/server/metrics';
import { pingRedis, type Redis } from '@clapboard/server/redis';

const started = Date.now();

/**
 * The worker's own small HTTP server: `/healthz` (alive, with the device and models it reports),
 * `/readyz` (Postgres and Redis answer) and `/metrics` (Prometheus text).
 */
export function createHealthServer(deps: {
  sql: Sql;
  redis: Redis;
  report: () => Record<string, unknown>;
  /** Prometheus text for `/metrics` (jobs, queues, model providers, warm state, runs); 404 when absent. */
  metrics?: () => string | Promise<string>;
  /** Bearer token `/metrics` requires (METRICS_TOKEN); unset: open to whoever reaches the port. */
  metricsToken?: string;
}): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/healthz')
      return send(200, {
        status: 'ok',
        service: 'gpu-worker',
        uptimeSec: Math.round((Date.now() - started) / 1000),
        ...deps.report(),
      });
    if (path === '/metrics' && deps.metrics) {
      if (!metricsAuthorized(req.headers.authorization, deps.metricsToken)) {
        res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' });
        res.end('metrics token required\n');
        return;
      }
      Promise.resolve()
        .then(deps.metrics)
        .then(
          (text) => {
            res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
            res.end(text);
          },
          () => send(500, { error: { code: 'internal', message: 'Metrics failed.' } }),
        );
      return;
    }
    if (path === '/readyz') {
      Promise.all([pingDb(deps.sql), pingRedis(deps.redis)]).then(([postgres, redis]) =>
        send(postgres && redis ? 200 : 503, {
          status: postgres && redis ? 'ready' : 'not_ready',
          checks: { postgres, redis },
        }),
      );
      return;
    }
    send(404, { error: { code: 'not_found', message: 'Not found.' } });
  });
}
