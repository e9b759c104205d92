import { readModelsReport } from '@clapboard/server/models-report';
import type { Redis } from '@clapboard/server/redis';
import { errorBodySchema } from '@clapboard/shared/errors';
import { modelsResponseSchema } from '@clapboard/shared/models';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { requireUser } from '../auth/require-user';

/**
 * `GET /api/v1/models`: what every live worker has installed (task, version, license, device and
 * provider, warm or not, and whether it works there: `status` is `ready` only after a real run on
 * that worker, `unavailable` with the reason), and its voices with their availability, read from
 * the reports workers publish to Redis with a TTL, so a worker that died drops out within a minute.
 */
export function modelRoutes(deps: { redis: Redis; jwtSecret: string; redisPrefix?: string }) {
  const app = new OpenAPIHono<AppEnv>();
  app.use('/api/v1/models', requireUser(deps));
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/models',
      tags: ['models'],
      summary:
        'Models on each live worker: task, version, license, device, warm, status (ready after a real run, or unavailable with the reason); voices with availability',
      security: [{ bearerAuth: [] }],
      responses: {
        200: {
          description: 'One report per live worker',
          content: {
            'application/json': { schema: modelsResponseSchema },
          },
        },
        401: { description: 'Not signed in', content: { 'application/json': { schema: errorBodySchema } } },
      },
    }),
    async (c) =>
      c.json({ workers: await readModelsReport(deps.redis, deps.redisPrefix ?? 'clapboard') }, 200),
  );
  return app;
}
