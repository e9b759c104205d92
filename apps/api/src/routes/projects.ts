import {
  API_PREFIX,
  createProjectBodySchema,
  paginationQuerySchema,
  projectPageSchema,
  projectParamsSchema,
  projectSchema,
  updateProjectBodySchema,
} from '@clapboard/shared/api';
import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../app';
import { writeAudit } from '../audit/write-audit';
import { authorizeProject } from '../auth/authorize-project';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { requireUser } from '../auth/require-user';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { insertProject } from '../projects/insert-project';
import { loadProject as loadProjectAs, projectJsonSql } from '../projects/project-json';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';

const base = `${API_PREFIX}/projects`;
const projectJson = { 'application/json': { schema: projectSchema } };

const list = createRoute({
  method: 'get',
  path: base,
  tags: ['projects'],
  summary: 'My projects, newest first, with my role (cursor paginated)',
  security: bearerSecurity,
  request: { query: paginationQuerySchema },
  responses: {
    200: {
      description: 'A page of projects',
      content: { 'application/json': { schema: projectPageSchema } },
    },
    ...errorsFor(400, 401),
  },
});
const create = createRoute({
  method: 'post',
  path: base,
  tags: ['projects'],
  summary: 'Create a project; the creator becomes its owner',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: createProjectBodySchema } } } },
  responses: { 201: { description: 'Created', content: projectJson }, ...errorsFor(400, 401) },
});
const get = createRoute({
  method: 'get',
  path: `${base}/{id}`,
  tags: ['projects'],
  summary: 'One project with my role',
  security: bearerSecurity,
  request: { params: projectParamsSchema },
  responses: { 200: { description: 'The project', content: projectJson }, ...errorsFor(400, 401, 404) },
});
const update = createRoute({
  method: 'patch',
  path: `${base}/{id}`,
  tags: ['projects'],
  summary: 'Rename or change settings (owner, editor)',
  security: bearerSecurity,
  request: {
    params: projectParamsSchema,
    body: { required: true, content: { 'application/json': { schema: updateProjectBodySchema } } },
  },
  responses: { 200: { description: 'Updated', content: projectJson }, ...errorsFor(400, 401, 403, 404) },
});
const remove = createRoute({
  method: 'delete',
  path: `${base}/{id}`,
  tags: ['projects'],
  summary: 'Delete a project (owner only; soft delete)',
  security: bearerSecurity,
  request: { params: projectParamsSchema },
  responses: { 204: { description: 'Deleted' }, ...errorsFor(400, 401, 403, 404) },
});

/** Projects: list (mine), create, read, update, soft delete. Every check reads the permission table. */
export function projectRoutes(deps: AppDeps) {
  const { sql } = deps;
  const ipOf = (c: Parameters<typeof clientIp>[0]) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);

  const projectJson = () => projectJsonSql(sql);
  const loadProject = (projectId: string, userId: string) => loadProjectAs(sql, projectId, userId);

  const router = createRouter();
  router.use(`${base}`, requireUser(deps));
  router.use(`${base}/*`, requireUser(deps));

  router.openapi(list, async (c) => {
    const { limit, cursor: rawCursor } = c.req.valid('query');
    const userId = currentUserId(c);
    const query = `${limit} ${rawCursor ?? ''}`;
    const cache = deps.projectListCache;
    const kept = cache?.get(userId, query);
    if (kept !== undefined) return c.body(kept, 200, { 'content-type': 'application/json' }) as never;
    const generation = cache?.generation() ?? 0;
    const cursor = decodeCursor(rawCursor);
    // One row: the page's items as JSON text, and the keyset cursor after them when a further
    // project exists (`cursor_ts` keeps the microseconds a JS Date would drop).
    const [page] = await sql<
      { items: string; ids: string[]; last_ts: string | null; last_id: string | null; more: boolean }[]
    >`
      select
        coalesce(json_agg(x.project order by x.n) filter (where x.n <= ${limit}), '[]'::json)::text as items,
        coalesce(array_agg(x.id::text) filter (where x.n <= ${limit}), '{}') as ids,
        max(x.cursor_ts) filter (where x.n = ${limit}) as last_ts,
        max(x.id::text) filter (where x.n = ${limit}) as last_id,
        count(*) > ${limit} as more
      from (
        select ${projectJson()} as project, p.id, p.created_at::text as cursor_ts,
          row_number() over (order by p.created_at desc, p.id desc) as n
        from effective_project_roles m
        join projects p on p.id = m.project_id
        where m.user_id = ${userId} and m.role <> 'guest' and p.deleted_at is null
          ${cursor ? sql`and (p.created_at, p.id) < (${cursor.createdAt}::text::timestamptz, ${cursor.id}::uuid)` : sql``}
        order by p.created_at desc, p.id desc
        limit ${limit + 1}) x`;
    const nextCursor =
      page?.more && page.last_ts && page.last_id
        ? encodeCursor({ createdAt: page.last_ts, id: page.last_id })
        : null;
    // Already JSON (Postgres wrote the items); the body is the route's documented page shape.
    const body = `{"items":${page?.items ?? '[]'},"nextCursor":${JSON.stringify(nextCursor)}}`;
    cache?.set(userId, query, body, page?.ids ?? [], generation);
    return c.body(body, 200, { 'content-type': 'application/json' }) as never;
  });

  router.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const userId = currentUserId(c);
    const id = await sql.begin((tx) =>
      insertProject(tx, { name: body.name, settings: body.settings, userId, ip: ipOf(c) }),
    );
    return c.json(await loadProject(id, userId), 201);
  });

  router.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    const userId = currentUserId(c);
    await authorizeProject(sql, id, userId, 'project:read');
    return c.json(await loadProject(id, userId), 200);
  });

  router.openapi(update, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const userId = currentUserId(c);
    await authorizeProject(sql, id, userId, 'project:update');
    await sql.begin(async (tx) => {
      // jsonb || merges top-level keys: a PATCH of one setting keeps the others.
      await tx`
        update projects set
          name = coalesce(${body.name ?? null}, name),
          settings = settings || ${tx.json((body.settings ?? {}) as never)},
          require_approval_for_final = coalesce(${body.requireApprovalForFinal ?? null}, require_approval_for_final),
          updated_at = now()
        where id = ${id} and deleted_at is null`;
      await writeAudit(tx, {
        projectId: id,
        actorId: userId,
        action: 'project.update',
        targetType: 'project',
        targetId: id,
        details: body as Record<string, unknown>,
        ip: ipOf(c),
      });
    });
    return c.json(await loadProject(id, userId), 200);
  });

  router.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    const userId = currentUserId(c);
    await authorizeProject(sql, id, userId, 'project:delete');
    await sql.begin(async (tx) => {
      await tx`update projects set deleted_at = now(), updated_at = now() where id = ${id} and deleted_at is null`;
      await writeAudit(tx, {
        projectId: id,
        actorId: userId,
        action: 'project.delete',
        targetType: 'project',
        targetId: id,
        ip: ipOf(c),
      });
    });
    return c.body(null, 204);
  });
  return router;
}
