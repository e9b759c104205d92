import type { IncomingMessage, ServerResponse } from 'node:http';
import { pingDb, type Sql } from '@clapboard/server/db';
import { pingRedis, type Redis } from '@clapboard/server/redis';

const started = Date.now();

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * Handles `/healthz` and `/readyz`; returns false for other paths so the caller can 404.
 * `extra` adds live figures (connections, documents) to /healthz.
 */
export async function handleHealth(
  req: IncomingMessage,
  res: ServerResponse,
  deps: { sql: Sql; redis: Redis; extra?: () => Record<string, unknown> },
): Promise<boolean> {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') {
    json(res, 200, {
      status: 'ok',
      service: 'realtime',
      uptimeSec: Math.round((Date.now() - started) / 1000),
      ...deps.extra?.(),
    });
    return true;
  }
  if (path === '/readyz') {
    const [postgres, redis] = await Promise.all([pingDb(deps.sql), pingRedis(deps.redis)]);
    const ok = postgres && redis;
    json(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not_ready', checks: { postgres, redis } });
    return true;
  }
  return false;
}
