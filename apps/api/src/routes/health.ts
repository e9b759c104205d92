import { pingDb } from '@clapboard/server/db';
import { pingRedis } from '@clapboard/server/redis';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../app';
import type { AppEnv } from '../app-env';

const started = Date.now();

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['ops'],
  summary: 'Liveness: the process is up',
  responses: {
    200: {
      description: 'Alive',
      content: {
        'application/json': {
          schema: z.object({
            status: z.literal('ok'),
            service: z.string(),
            version: z.string(),
            uptimeSec: z.number(),
          }),
        },
      },
    },
  },
});

const readySchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({ postgres: z.boolean(), redis: z.boolean() }),
});
const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['ops'],
  summary: 'Readiness: Postgres and Redis answer',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: readySchema } } },
    503: { description: 'A dependency is down', content: { 'application/json': { schema: readySchema } } },
  },
});

/** `/healthz` (alive) and `/readyz` (Postgres and Redis answer within 2 s). */
export function healthRoutes(deps: Pick<AppDeps, 'sql' | 'redis' | 'version'>) {
  return new OpenAPIHono<AppEnv>()
    .openapi(healthz, (c) =>
      c.json(
        {
          status: 'ok' as const,
          service: 'api',
          version: deps.version ?? '0.1.0',
          uptimeSec: Math.round((Date.now() - started) / 1000),
        },
        200,
      ),
    )
    .openapi(readyz, async (c) => {
      const [postgres, redis] = await Promise.all([pingDb(deps.sql), pingRedis(deps.redis)]);
      const ok = postgres && redis;
      return c.json(
        { status: ok ? ('ready' as const) : ('not_ready' as const), checks: { postgres, redis } },
        ok ? 200 : 503,
      );
    });
}
