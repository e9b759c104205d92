import { API_PREFIX } from '@clapboard/shared/api';
import {
  type Client,
  clientPageSchema,
  clientParamsSchema,
  clientSchema,
  createClientBodySchema,
  listClientsQuerySchema,
  updateClientBodySchema,
} from '@clapboard/shared/campaigns';
import type { Role } from '@clapboard/shared/roles';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../app';
import type { AppEnv } from '../app-env';
import { writeAudit } from '../audit/write-audit';
import { authorizeClient } from '../auth/authorize-org';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { requireUser } from '../auth/require-user';
import { conflict } from '../errors/http-error';
import { decodeCursor, keysetPage } from '../pagination/cursor';
import { bearerSecurity, createRouter, jsonBody, jsonResponse } from './create-router';
import { errorsFor } from './error-responses';
import { orgMemberRoutes } from './org-members';

type ClientRow = {
  id: string;
  name: string;
  role: Role;
  campaign_count: number;
  created_at: Date;
  cursor_ts: string;
};
const toClient = (r: ClientRow): Client => ({
  id: r.id,
  name: r.name,
  role: r.role,
  campaignCount: r.campaign_count,
  createdAt: r.created_at.toISOString(),
});

/**
 * Clients: the agency's customers, each holding campaigns. Anyone signed in may create one (and
 * owns it); members see it with their role, guests too (with the campaigns shared with them).
 */
export function clientRoutes(deps: AppDeps) {
  const { sql } = deps;
  const auth = requireUser(deps);
  const ipOf = (c: Context<AppEnv>) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);
  /** One client as `userId` sees it; a guest counts only the campaigns they can see. */
  const clientColumns = (userId: string) => sql`
    k.id, k.name, m.role, k.created_at, k.created_at::text as cursor_ts,
    (select count(*)::int from campaigns c where c.client_id = k.id and c.deleted_at is null
       and (m.role <> 'guest' or exists (
         select 1 from projects gp where gp.campaign_id = c.id and gp.client_shared and gp.deleted_at is null))
    ) as campaign_count
    from clients k join client_members m on m.client_id = k.id and m.user_id = ${userId}`;
  const loadClient = async (id: string, userId: string) => {
    const [row] = await sql<
      ClientRow[]
    >`select ${clientColumns(userId)} where k.id = ${id} and k.deleted_at is null`;
    return toClient(row!);
  };

  const router = createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: `${API_PREFIX}/clients`,
        tags: ['clients'],
        summary: 'Create a client (you become its owner)',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: jsonBody(createClientBodySchema),
        responses: { 201: jsonResponse(clientSchema, 'Created'), ...errorsFor(400, 401) },
      }),
      async (c) => {
        const { name } = c.req.valid('json');
        const userId = currentUserId(c);
        const id = await sql.begin(async (tx) => {
          const [k] = await tx<{ id: string }[]>`
            insert into clients (name, created_by) values (${name}, ${userId}) returning id`;
          await tx`insert into client_members (client_id, user_id, role) values (${k!.id}, ${userId}, 'owner')`;
          await writeAudit(tx, {
            projectId: null,
            actorId: userId,
            action: 'client.create',
            targetType: 'client',
            targetId: k!.id,
            details: { name },
            ip: ipOf(c),
          });
          return k!.id;
        });
        return c.json(await loadClient(id, userId), 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/clients`,
        tags: ['clients'],
        summary: 'Clients you belong to (as staff or guest), newest first; `q` filters by name',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { query: listClientsQuerySchema },
        responses: { 200: jsonResponse(clientPageSchema, 'A page of clients'), ...errorsFor(400, 401) },
      }),
      async (c) => {
        const { limit, cursor: raw, q } = c.req.valid('query');
        const after = decodeCursor(raw);
        const rows = await sql<ClientRow[]>`
          select ${clientColumns(currentUserId(c))}
          where k.deleted_at is null
            ${q ? sql`and k.name ilike ${`%${q.replace(/[\\%_]/g, '\\$&')}%`}` : sql``}
            ${after ? sql`and (k.created_at, k.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : sql``}
          order by k.created_at desc, k.id desc limit ${limit + 1}`;
        const { page, nextCursor } = keysetPage(rows, limit);
        return c.json(
          {
            items: page.map(toClient),
            nextCursor,
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/clients/{id}`,
        tags: ['clients'],
        summary: 'One client with your role',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: clientParamsSchema },
        responses: { 200: jsonResponse(clientSchema, 'The client'), ...errorsFor(400, 401, 404) },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await authorizeClient(sql, id, currentUserId(c), 'client:read');
        return c.json(await loadClient(id, currentUserId(c)), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: `${API_PREFIX}/clients/{id}`,
        tags: ['clients'],
        summary: 'Rename a client (owners)',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: clientParamsSchema, ...jsonBody(updateClientBodySchema) },
        responses: { 200: jsonResponse(clientSchema, 'Updated'), ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { name } = c.req.valid('json');
        const userId = currentUserId(c);
        await authorizeClient(sql, id, userId, 'client:update');
        if (name !== undefined)
          await sql.begin(async (tx) => {
            await tx`update clients set name = ${name}, updated_at = now() where id = ${id}`;
            await writeAudit(tx, {
              projectId: null,
              actorId: userId,
              action: 'client.rename',
              targetType: 'client',
              targetId: id,
              details: { name },
              ip: ipOf(c),
            });
          });
        return c.json(await loadClient(id, userId), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: `${API_PREFIX}/clients/{id}`,
        tags: ['clients'],
        summary: 'Delete a client without live campaigns (owners)',
        description:
          'Refused with 409 while the client has campaigns that are not deleted: delete or move them first, so no project loses its campaign by surprise.',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: clientParamsSchema },
        responses: { 204: { description: 'Deleted' }, ...errorsFor(400, 401, 403, 404, 409) },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const userId = currentUserId(c);
        await authorizeClient(sql, id, userId, 'client:update');
        await sql.begin(async (tx) => {
          const [live] = await tx<{ n: number }[]>`
            select count(*)::int as n from campaigns where client_id = ${id} and deleted_at is null`;
          if (live!.n > 0)
            throw conflict(`The client still has ${live!.n} campaign(s). Delete them first.`, {
              campaigns: live!.n,
            });
          await tx`update clients set deleted_at = now() where id = ${id}`;
          await writeAudit(tx, {
            projectId: null,
            actorId: userId,
            action: 'client.delete',
            targetType: 'client',
            targetId: id,
            ip: ipOf(c),
          });
        });
        return c.body(null, 204);
      },
    );
  router.route('/', orgMemberRoutes(deps, 'client'));
  return router;
}
