import type { Queryable } from '@clapboard/server/db';
import {
  API_PREFIX,
  inviteMemberBodySchema,
  type Member,
  memberListSchema,
  memberParamsSchema,
  memberSchema,
  projectParamsSchema,
  updateMemberBodySchema,
} from '@clapboard/shared/api';
import { can } from '@clapboard/shared/permissions';
import type { Role } from '@clapboard/shared/roles';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../app';
import type { AppEnv } from '../app-env';
import { writeAudit } from '../audit/write-audit';
import { authorizeProject } from '../auth/authorize-project';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { requireUser } from '../auth/require-user';
import { conflict, forbidden, HttpError, notFound } from '../errors/http-error';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';

const base = `${API_PREFIX}/projects/{id}/members`;
const memberJson = { 'application/json': { schema: memberSchema } };

const list = createRoute({
  method: 'get',
  path: base,
  tags: ['members'],
  summary: 'Members of a project with their roles',
  security: bearerSecurity,
  request: { params: projectParamsSchema },
  responses: {
    200: { description: 'Members', content: { 'application/json': { schema: memberListSchema } } },
    ...errorsFor(400, 401, 404),
  },
});
const invite = createRoute({
  method: 'post',
  path: base,
  tags: ['members'],
  summary: 'Add an existing account to the project with a role (owner only)',
  security: bearerSecurity,
  request: {
    params: projectParamsSchema,
    body: { required: true, content: { 'application/json': { schema: inviteMemberBodySchema } } },
  },
  responses: {
    201: { description: 'Added', content: memberJson },
    ...errorsFor(400, 401, 403, 404, 409, 422),
  },
});
const changeRole = createRoute({
  method: 'patch',
  path: `${base}/{userId}`,
  tags: ['members'],
  summary: 'Change a member’s role (owner only; the last owner cannot be demoted)',
  security: bearerSecurity,
  request: {
    params: memberParamsSchema,
    body: { required: true, content: { 'application/json': { schema: updateMemberBodySchema } } },
  },
  responses: { 200: { description: 'Updated', content: memberJson }, ...errorsFor(400, 401, 403, 404, 409) },
});
const remove = createRoute({
  method: 'delete',
  path: `${base}/{userId}`,
  tags: ['members'],
  summary: 'Remove a member (owner), or leave (yourself); the last owner cannot leave',
  security: bearerSecurity,
  request: { params: memberParamsSchema },
  responses: { 204: { description: 'Removed' }, ...errorsFor(400, 401, 403, 404, 409) },
});

type MemberRow = { user_id: string; email: string; name: string; role: Role; created_at: Date };
const toMember = (r: MemberRow): Member => ({
  userId: r.user_id,
  email: r.email,
  name: r.name,
  role: r.role,
  createdAt: r.created_at.toISOString(),
});

const LAST_OWNER =
  'A project needs at least one owner: make someone else an owner first, or delete the project.';

/** Project members: list, invite by email, change role, remove or leave. */
export function memberRoutes(deps: AppDeps) {
  const { sql } = deps;
  const ipOf = (c: Context<AppEnv>) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);

  /**
   * Runs `fn` in a transaction holding the project's row lock, so two concurrent demotions cannot
   * both see "another owner remains" and leave the project with none.
   */
  function withProjectLock<T>(projectId: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return sql.begin(async (tx) => {
      await tx`select id from projects where id = ${projectId} for update`;
      return fn(tx);
    }) as Promise<T>;
  }
  async function otherOwners(tx: Queryable, projectId: string, userId: string): Promise<number> {
    const [row] = await tx<{ n: number }[]>`
      select count(*)::int as n from project_members
      where project_id = ${projectId} and role = 'owner' and user_id <> ${userId}`;
    return row?.n ?? 0;
  }

  const router = createRouter();
  router.use(`${API_PREFIX}/projects/:id/members`, requireUser(deps));
  router.use(`${API_PREFIX}/projects/:id/members/*`, requireUser(deps));

  router.openapi(list, async (c) => {
    const { id } = c.req.valid('param');
    await authorizeProject(sql, id, currentUserId(c), 'members:read');
    const rows = await sql<MemberRow[]>`
      select m.user_id, u.email, u.name, m.role, m.created_at from project_members m
      join users u on u.id = m.user_id where m.project_id = ${id}
      order by m.created_at, u.email`;
    return c.json({ items: rows.map(toMember) }, 200);
  });

  router.openapi(invite, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const actor = currentUserId(c);
    await authorizeProject(sql, id, actor, 'members:manage');
    const [user] = await sql<{ id: string }[]>`select id from users where email = ${body.email}`;
    if (!user)
      throw new HttpError(
        404,
        'not_found',
        'No Clapboard account uses this email. Ask them to register first, then invite them again.',
      );
    const member = await sql.begin(async (tx) => {
      const [row] = await tx<MemberRow[]>`
        insert into project_members (project_id, user_id, role, invited_by)
        values (${id}, ${user.id}, ${body.role}, ${actor})
        on conflict (project_id, user_id) do nothing
        returning user_id, role, created_at, ${body.email}::text as email,
          (select name from users where id = ${user.id}) as name`;
      if (!row) throw conflict('That person is already a member. Change their role instead.');
      await writeAudit(tx, {
        projectId: id,
        actorId: actor,
        action: 'member.add',
        targetType: 'user',
        targetId: user.id,
        details: { role: body.role },
        ip: ipOf(c),
      });
      return row;
    });
    return c.json(toMember(member), 201);
  });

  router.openapi(changeRole, async (c) => {
    const { id, userId } = c.req.valid('param');
    const { role } = c.req.valid('json');
    const actor = currentUserId(c);
    await authorizeProject(sql, id, actor, 'members:manage');
    const member = await withProjectLock(id, async (tx) => {
      const [current] = await tx<{ role: Role }[]>`
        select role from project_members where project_id = ${id} and user_id = ${userId}`;
      if (!current) throw notFound('Member');
      if (current.role === 'owner' && role !== 'owner' && (await otherOwners(tx, id, userId)) === 0)
        throw conflict(LAST_OWNER);
      await tx`
        update project_members set role = ${role}, updated_at = now()
        where project_id = ${id} and user_id = ${userId}`;
      await writeAudit(tx, {
        projectId: id,
        actorId: actor,
        action: 'member.role_change',
        targetType: 'user',
        targetId: userId,
        details: { from: current.role, to: role },
        ip: ipOf(c),
      });
      const [row] = await tx<MemberRow[]>`
        select m.user_id, u.email, u.name, m.role, m.created_at from project_members m
        join users u on u.id = m.user_id where m.project_id = ${id} and m.user_id = ${userId}`;
      return row!;
    });
    return c.json(toMember(member), 200);
  });

  router.openapi(remove, async (c) => {
    const { id, userId } = c.req.valid('param');
    const actor = currentUserId(c);
    const self = userId === actor;
    const role = await authorizeProject(sql, id, actor, self ? 'members:leave' : 'members:read');
    if (!self && !can(role, 'members:manage'))
      throw forbidden(`Your role (${role}) cannot remove other members (members:manage).`);
    await withProjectLock(id, async (tx) => {
      const [current] = await tx<{ role: Role }[]>`
        select role from project_members where project_id = ${id} and user_id = ${userId}`;
      if (!current) throw notFound('Member');
      if (current.role === 'owner' && (await otherOwners(tx, id, userId)) === 0) throw conflict(LAST_OWNER);
      await tx`delete from project_members where project_id = ${id} and user_id = ${userId}`;
      await writeAudit(tx, {
        projectId: id,
        actorId: actor,
        action: self ? 'member.leave' : 'member.remove',
        targetType: 'user',
        targetId: userId,
        details: { role: current.role },
        ip: ipOf(c),
      });
    });
    return c.body(null, 204);
  });
  return router;
}
