import type { Sql } from '@clapboard/server/db';
import { API_PREFIX } from '@clapboard/shared/api';
import {
  markNotificationsReadBodySchema,
  type Notification,
  notificationsPageSchema,
  notificationsReadResponseSchema,
} from '@clapboard/shared/review';
import { createRoute, z } from '@hono/zod-openapi';
import { type RequireUserDeps, requireUser } from '../auth/require-user';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';

interface NotificationRow {
  id: string;
  kind: Notification['kind'];
  project_id: string | null;
  payload: Record<string, unknown>;
  read_at: Date | null;
  created_at: Date;
}

const toNotification = (r: NotificationRow): Notification => ({
  id: r.id,
  kind: r.kind,
  projectId: r.project_id,
  payload: r.payload,
  readAt: r.read_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
});

async function unreadCount(sql: Sql, userId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from notifications n
    left join projects p on p.id = n.project_id
    where n.user_id = ${userId} and n.read_at is null and (n.project_id is null or p.deleted_at is null)`;
  return row?.n ?? 0;
}

/**
 * The signed-in user's inbox: newest first with the unread count, and mark-as-read. Rows are only
 * ever the caller's own (`user_id` is the token's user), so there is nothing to authorize per row;
 * notifications of projects that were deleted are hidden.
 */
export function notificationRoutes(deps: RequireUserDeps & { sql: Sql }) {
  const auth = requireUser(deps);
  const { sql } = deps;
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/notifications`,
        tags: ['review'],
        summary: 'My inbox (newest 100) and its unread count',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { query: z.object({ unread: z.enum(['true', 'false']).optional() }) },
        responses: {
          200: { description: 'Inbox', content: { 'application/json': { schema: notificationsPageSchema } } },
          ...errorsFor(400, 401),
        },
      }),
      async (c) => {
        const userId = c.var.userId!;
        const onlyUnread = c.req.valid('query').unread === 'true';
        const rows = await sql<NotificationRow[]>`
          select n.* from notifications n left join projects p on p.id = n.project_id
          where n.user_id = ${userId} and (n.project_id is null or p.deleted_at is null)
            ${onlyUnread ? sql`and n.read_at is null` : sql``}
          order by n.created_at desc, n.id desc limit 100`;
        return c.json({ items: rows.map(toNotification), unread: await unreadCount(sql, userId) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: `${API_PREFIX}/notifications/read`,
        tags: ['review'],
        summary: 'Mark some (ids) or all of my notifications as read',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: {
          body: {
            required: true,
            content: { 'application/json': { schema: markNotificationsReadBodySchema } },
          },
        },
        responses: {
          200: {
            description: 'The unread count after',
            content: { 'application/json': { schema: notificationsReadResponseSchema } },
          },
          ...errorsFor(400, 401),
        },
      }),
      async (c) => {
        const userId = c.var.userId!;
        const body = c.req.valid('json');
        // Scoped by user_id: ids of someone else's notifications silently match nothing.
        await sql`
          update notifications set read_at = now()
          where user_id = ${userId} and read_at is null
            ${body.all ? sql`` : sql`and id in ${sql(body.ids ?? [])}`}`;
        return c.json({ unread: await unreadCount(sql, userId) }, 200);
      },
    );
}
