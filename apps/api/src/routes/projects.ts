import {
  API_PREFIX,
  createProjectBodySchema,
  type Project,
  paginationQuerySchema,
  projectPageSchema,
  projectParamsSchema,
  projectSchema,
  updateProjectBodySchema,
} from '@clapboard/shared/api';
import { projectSettingsSchema } from '@clapboard/shared/document';
import type { Role } from '@clapboard/shared/roles';
import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../app';
import { writeAudit } from '../audit/write-audit';
import { authorizeProject } from '../auth/authorize-project';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { requireUser } from '../auth/require-user';
import { notFound } from '../errors/http-error';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
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

type ProjectRow = {
  id: string;
  name: string;
  settings: Record<string, unknown>;
  require_approval_for_final: boolean;
  /** Already in `Date#toISOString()` form; see projectColumns. */
  created_at: string;
  updated_at: string;
  role: Role;
  cursor_ts: string;
};

const toProject = (r: ProjectRow): Project => ({
  id: r.id,
  name: r.name,
  role: r.role,
  // Stored settings are partial; defaults fill the rest so clients always get a full object.
  settings: projectSettingsSchema.parse(r.settings ?? {}),
  requireApprovalForFinal: r.require_approval_for_final,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Projects: list (mine), create, read, update, soft delete. Every check reads the permission table. */
export function projectRoutes(deps: AppDeps) {
  const { sql } = deps;
  const ipOf = (c: Parameters<typeof clientIp>[0]) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);

  /**
   * The columns toProject reads (`p` projects, `m` the caller's membership). Postgres writes the
   * timestamps in `Date#toISOString()` form (UTC, milliseconds truncated as a JS Date does), so a
   * page does not parse 40 dates into Date objects only to print them again; `cursor_ts` keeps the
   * microseconds for the keyset cursor.
   */
  const projectColumns = () => sql`
    p.id, p.name, p.settings, p.require_approval_for_final, m.role,
    to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
    to_char(p.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as updated_at,
    p.created_at::text as cursor_ts`;

  async function loadProject(projectId: string, userId: string): Promise<Project> {
    const [row] = await sql<ProjectRow[]>`
      select ${projectColumns()} from projects p
      join project_members m on m.project_id = p.id and m.user_id = ${userId}
      where p.id = ${projectId} and p.deleted_at is null`;
    if (!row) throw notFound('Project');
    return toProject(row);
  }

  const router = createRouter();
  router.use(`${base}`, requireUser(deps.jwtSecret));
  router.use(`${base}/*`, requireUser(deps.jwtSecret));

  router.openapi(list, async (c) => {
    const { limit, cursor: rawCursor } = c.req.valid('query');
    const cursor = decodeCursor(rawCursor);
    const rows = await sql<ProjectRow[]>`
      select ${projectColumns()} from project_members m
      join projects p on p.id = m.project_id
      where m.user_id = ${currentUserId(c)} and p.deleted_at is null
        ${cursor ? sql`and (p.created_at, p.id) < (${cursor.createdAt}::text::timestamptz, ${cursor.id}::uuid)` : sql``}
      order by p.created_at desc, p.id desc
      limit ${limit + 1}`;
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const nextCursor =
      rows.length > limit && last ? encodeCursor({ createdAt: last.cursor_ts, id: last.id }) : null;
    return c.json({ items: page.map(toProject), nextCursor }, 200);
  });

  router.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const userId = currentUserId(c);
    const id = await sql.begin(async (tx) => {
      const [p] = await tx<{ id: string }[]>`
        insert into projects (name, settings, created_by)
        values (${body.name}, ${tx.json((body.settings ?? {}) as never)}, ${userId}) returning id`;
      await tx`insert into project_members (project_id, user_id, role) values (${p!.id}, ${userId}, 'owner')`;
      await writeAudit(tx, {
        projectId: p!.id,
        actorId: userId,
        action: 'project.create',
        targetType: 'project',
        targetId: p!.id,
        details: { name: body.name },
        ip: ipOf(c),
      });
      return p!.id;
    });
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
