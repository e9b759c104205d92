import { signTicket } from '@clapboard/server/tickets';
import { API_PREFIX } from '@clapboard/shared/api';
import { ticketRequestSchema, ticketResponseSchema } from '@clapboard/shared/tickets';
import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../app';
import { authorizeProject } from '../auth/authorize-project';
import { currentUserId } from '../auth/current-user';
import { requireUser } from '../auth/require-user';
import { unauthorized } from '../errors/http-error';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';

const path = `${API_PREFIX}/realtime/tickets`;
const issue = createRoute({
  method: 'post',
  path,
  tags: ['realtime'],
  summary:
    'A 60-second ticket for the realtime server carrying my role: `workspace` (Yjs and Socket.IO, members) or `variants` (client-visible variant events, anyone who may read the variants)',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: ticketRequestSchema } } } },
  responses: {
    200: { description: 'Ticket', content: { 'application/json': { schema: ticketResponseSchema } } },
    ...errorsFor(400, 401, 403, 404),
  },
});

/**
 * `POST /api/v1/realtime/tickets`: checks membership now and signs a short ticket the realtime
 * server verifies locally (same JWT_SECRET, its own audience), so it never calls back to the API.
 */
export function realtimeTicketRoutes(deps: AppDeps) {
  const router = createRouter();
  router.use(path, requireUser(deps));
  router.openapi(issue, async (c) => {
    const { projectId, scope } = c.req.valid('json');
    const userId = currentUserId(c);
    // A `variants` ticket opens only the project's client-visible variant events (a client guest's
    // live gallery); the realtime server refuses it the document and the project's own rooms.
    const role = await authorizeProject(
      deps.sql,
      projectId,
      userId,
      scope === 'variants' ? 'variants:read' : 'realtime:connect',
    );
    const [user] = await deps.sql<{ name: string }[]>`select name from users where id = ${userId}`;
    if (!user) throw unauthorized();
    const { ticket, expiresAt } = await signTicket(deps.jwtSecret, {
      userId,
      name: user.name,
      projectId,
      role,
      sessionId: c.var.sessionId,
      scope,
    });
    return c.json({ ticket, expiresAt: expiresAt.toISOString(), role }, 200);
  });
  return router;
}
