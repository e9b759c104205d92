import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import type { Sql } from '@clapboard/server/db';
import type { JobQueues } from '@clapboard/server/jobs';
import type { Redis } from '@clapboard/server/redis';
import { isSessionRevoked, type RevocationCheck } from '@clapboard/server/sessions';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env';
import { ACCESS_TOKEN_TTL_SEC, verifyAccessToken } from '../auth/access-token';
import { isInstanceAdmin } from '../auth/instance-admin';
import { requireUser } from '../auth/require-user';
import { forbidden, unauthorized } from '../errors/http-error';

export const ADMIN_COOKIE = 'cb_admin';
export const ADMIN_BASE_PATH = '/admin/queues';

type ServeStatic = ConstructorParameters<typeof HonoAdapter>[0];

/**
 * The BullMQ dashboard (bull-board) at /admin/queues, for instance admins only. A browser gets in
 * by POST /api/v1/admin/session (bearer token of an admin), which sets a short-lived httpOnly
 * cookie scoped to /admin; every dashboard request re-checks that the user is still an admin.
 * `serveStatic` comes from the runtime adapter (Node in main.ts), keeping the app runtime-neutral.
 */
export function adminQueueRoutes(deps: {
  sql: Sql;
  jwtSecret: string;
  redis: Redis;
  redisPrefix?: string;
  revocations?: RevocationCheck;
  queues: JobQueues;
  serveStatic: ServeStatic;
  secureCookies: boolean;
}) {
  const app = new OpenAPIHono<AppEnv>();
  app.use('/api/v1/admin/session', requireUser(deps));
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/admin/session',
      tags: ['admin'],
      summary: 'Open the queue dashboard: sets a 15-minute admin cookie for /admin (instance admins only)',
      security: [{ bearerAuth: [] }],
      responses: {
        204: { description: 'Cookie set; open /admin/queues' },
        403: {
          description: 'Not an instance admin',
          content: {
            'application/json': {
              schema: z.object({ error: z.object({ code: z.string(), message: z.string() }) }),
            },
          },
        },
      },
    }),
    async (c) => {
      if (!(await isInstanceAdmin(deps.sql, c.var.userId!)))
        throw forbidden('Only instance admins can open the queue dashboard.');
      const token = (c.req.header('authorization') ?? '').replace(/^Bearer /, '');
      setCookie(c, ADMIN_COOKIE, token, {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/admin',
        secure: deps.secureCookies,
        maxAge: ACCESS_TOKEN_TTL_SEC,
      });
      return c.body(null, 204);
    },
  );

  const guard: MiddlewareHandler<AppEnv> = async (c, next) => {
    const bearer = /^Bearer ([\w.-]+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const token = bearer ?? getCookie(c, ADMIN_COOKIE);
    if (!token)
      throw unauthorized(
        'Sign in as an instance admin, then open the dashboard from the app (POST /api/v1/admin/session).',
      );
    const verdict = await verifyAccessToken(deps.jwtSecret, token);
    if (!verdict.ok) throw unauthorized('Your admin session expired. Open the dashboard again from the app.');
    const sid = verdict.claims.sessionId;
    const revoked = (id: string) =>
      deps.revocations
        ? deps.revocations.isRevoked(id)
        : isSessionRevoked(deps.redis, deps.redisPrefix ?? 'clapboard', id);
    if (sid && (await revoked(sid))) throw unauthorized('This session was signed out. Sign in again.');
    if (!(await isInstanceAdmin(deps.sql, verdict.claims.userId)))
      throw forbidden('Only instance admins can see the queue dashboard.');
    await next();
  };

  const board = new HonoAdapter(deps.serveStatic);
  createBullBoard({
    queues: [new BullMQAdapter(deps.queues.queues.gpu), new BullMQAdapter(deps.queues.queues.cpu)],
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Clapboard queues' } },
  });
  board.setBasePath(ADMIN_BASE_PATH);
  app.use(`${ADMIN_BASE_PATH}`, guard);
  app.use(`${ADMIN_BASE_PATH}/*`, guard);
  app.route(ADMIN_BASE_PATH, board.registerPlugin());
  return app;
}
