import type { Queryable, Sql } from '@clapboard/server/db';
import { API_PREFIX } from '@clapboard/shared/api';
import {
  addCampaignMemberBodySchema,
  addClientMemberBodySchema,
  type OrgMember,
  orgMemberListSchema,
  orgMemberParamsSchema,
  orgMemberSchema,
  updateCampaignMemberBodySchema,
  updateClientMemberBodySchema,
} from '@clapboard/shared/campaigns';
import { can, type Permission } from '@clapboard/shared/permissions';
import type { Role } from '@clapboard/shared/roles';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../app';
import type { AppEnv } from '../app-env';
import { writeAudit } from '../audit/write-audit';
import { authorizeCampaign, authorizeClient } from '../auth/authorize-org';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { requireUser } from '../auth/require-user';
import { conflict, forbidden, HttpError, notFound } from '../errors/http-error';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';

/** What differs between client and campaign memberships; the routes are otherwise one. */
interface OrgKind {
  kind: 'client' | 'campaign';
  table: 'client_members' | 'campaign_members';
  key: 'client_id' | 'campaign_id';
  parent: 'clients' | 'campaigns';
  manage: Permission;
  read: Permission;
  addBody: z.ZodType;
  updateBody: z.ZodType;
  authorize(sql: Sql, id: string, userId: string, permission: Permission): Promise<Role>;
  lastOwner: string;
}

const KINDS: Record<'client' | 'campaign', OrgKind> = {
  client: {
    kind: 'client',
    table: 'client_members',
    key: 'client_id',
    parent: 'clients',
    manage: 'client:members',
    read: 'client:read',
    addBody: addClientMemberBodySchema,
    updateBody: updateClientMemberBodySchema,
    authorize: (sql, id, userId, p) => authorizeClient(sql, id, userId, p),
    lastOwner: 'A client needs at least one owner: make someone else an owner first, or delete the client.',
  },
  campaign: {
    kind: 'campaign',
    table: 'campaign_members',
    key: 'campaign_id',
    parent: 'campaigns',
    manage: 'campaign:members',
    read: 'campaign:read',
    addBody: addCampaignMemberBodySchema,
    updateBody: updateCampaignMemberBodySchema,
    authorize: async (sql, id, userId, p) => (await authorizeCampaign(sql, id, userId, p)).role,
    // Campaign owners may all leave: the client's owners still hold the campaign.
    lastOwner: '',
  },
};

type MemberRow = { user_id: string; email: string; name: string; role: Role; created_at: Date };
const toMember = (r: MemberRow): OrgMember => ({
  userId: r.user_id,
  email: r.email,
  name: r.name,
  role: r.role,
  createdAt: r.created_at.toISOString(),
});

/**
 * Members of a client or a campaign: list, add an existing account by email, change a role,
 * remove (or leave). A role here holds on every project beneath (`effective_project_roles`);
 * client guests are added on the client. Guests see only the member list's existence of
 * themselves: listing needs a member role.
 */
export function orgMemberRoutes(deps: AppDeps, which: 'client' | 'campaign') {
  const k = KINDS[which];
  const { sql } = deps;
  const ipOf = (c: Context<AppEnv>) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);
  const tag = which === 'client' ? 'clients' : 'campaigns';
  const base = `${API_PREFIX}/${k.parent}/{id}/members`;
  const params = z.object({ id: z.string().uuid() });
  const memberJson = { 'application/json': { schema: orgMemberSchema } };
  // Identifiers are built per statement: on the edge `sql` exists only inside a request.
  const table = () => sql(k.table);
  const key = () => sql(k.key);
  const select = (tx: Queryable, id: string, userId?: string) => tx<MemberRow[]>`
    select m.user_id, u.email, u.name, m.role, m.created_at from ${table()} m
    join users u on u.id = m.user_id
    where m.${key()} = ${id} ${userId ? tx`and m.user_id = ${userId}` : tx``}
    order by m.created_at, u.email`;
  const audit = (c: Context<AppEnv>, tx: Queryable, action: string, target: string, details: object) =>
    writeAudit(tx, {
      projectId: null,
      actorId: currentUserId(c),
      action: `${which}.${action}`,
      targetType: 'user',
      targetId: target,
      details: { [`${which}Id`]: c.req.param('id'), ...details },
      ip: ipOf(c),
    });
  /** Locks the parent row so two demotions cannot both see "another owner remains". */
  const locked = <T>(id: string, fn: (tx: Queryable) => Promise<T>) =>
    sql.begin(async (tx) => {
      await tx`select id from ${sql(k.parent)} where id = ${id} for update`;
      return fn(tx);
    }) as Promise<T>;
  const otherOwners = async (tx: Queryable, id: string, userId: string) => {
    const [row] = await tx<{ n: number }[]>`
      select count(*)::int as n from ${table()} where ${key()} = ${id} and role = 'owner' and user_id <> ${userId}`;
    return row?.n ?? 0;
  };

  const router = createRouter();
  router.use(`${API_PREFIX}/${k.parent}/:id/members`, requireUser(deps));
  router.use(`${API_PREFIX}/${k.parent}/:id/members/*`, requireUser(deps));

  router.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags: [tag],
      summary: `Members of a ${which} with their roles (not for guests)`,
      security: bearerSecurity,
      request: { params },
      responses: {
        200: { description: 'Members', content: { 'application/json': { schema: orgMemberListSchema } } },
        ...errorsFor(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const role = await k.authorize(sql, id, currentUserId(c), k.read);
      if (role === 'guest') throw forbidden(`Guests do not see the ${which}'s members.`);
      return c.json({ items: (await select(sql, id)).map(toMember) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: base,
      tags: [tag],
      summary: `Add an existing account to the ${which} with a role (owners)`,
      security: bearerSecurity,
      request: { params, body: { required: true, content: { 'application/json': { schema: k.addBody } } } },
      responses: {
        201: { description: 'Added', content: memberJson },
        ...errorsFor(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json') as { email: string; role: Role };
      await k.authorize(sql, id, currentUserId(c), k.manage);
      const [user] = await sql<{ id: string }[]>`select id from users where email = ${body.email}`;
      if (!user)
        throw new HttpError(
          404,
          'not_found',
          'No Clapboard account uses this email. Ask them to register first, then add them again.',
        );
      const row = await sql.begin(async (tx) => {
        const [added] = await tx<{ user_id: string }[]>`
          insert into ${table()} (${key()}, user_id, role, invited_by)
          values (${id}, ${user.id}, ${body.role}, ${currentUserId(c)})
          on conflict do nothing returning user_id`;
        if (!added) throw conflict('That person is already a member. Change their role instead.');
        await audit(c, tx, 'member.add', user.id, { role: body.role });
        return (await select(tx, id, user.id))[0]!;
      });
      return c.json(toMember(row), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: `${base}/{userId}`,
      tags: [tag],
      summary: `Change a ${which} member's role (owners${which === 'client' ? '; the last owner stays' : ''})`,
      security: bearerSecurity,
      request: {
        params: orgMemberParamsSchema,
        body: { required: true, content: { 'application/json': { schema: k.updateBody } } },
      },
      responses: {
        200: { description: 'Updated', content: memberJson },
        ...errorsFor(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { id, userId } = c.req.valid('param');
      const { role } = c.req.valid('json') as { role: Role };
      await k.authorize(sql, id, currentUserId(c), k.manage);
      const row = await locked(id, async (tx) => {
        const [current] = await tx<{ role: Role }[]>`
          select role from ${table()} where ${key()} = ${id} and user_id = ${userId}`;
        if (!current) throw notFound('Member');
        if (
          k.lastOwner &&
          current.role === 'owner' &&
          role !== 'owner' &&
          (await otherOwners(tx, id, userId)) === 0
        )
          throw conflict(k.lastOwner);
        await tx`update ${table()} set role = ${role} where ${key()} = ${id} and user_id = ${userId}`;
        await audit(c, tx, 'member.role_change', userId, { from: current.role, to: role });
        return (await select(tx, id, userId))[0]!;
      });
      return c.json(toMember(row), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: `${base}/{userId}`,
      tags: [tag],
      summary: `Remove a ${which} member (owners), or leave (yourself)`,
      security: bearerSecurity,
      request: { params: orgMemberParamsSchema },
      responses: { 204: { description: 'Removed' }, ...errorsFor(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { id, userId } = c.req.valid('param');
      const actor = currentUserId(c);
      const role = await k.authorize(sql, id, actor, k.read);
      if (userId !== actor && !can(role, k.manage))
        throw forbidden(`Your role (${role}) cannot remove other members (${k.manage}).`);
      await locked(id, async (tx) => {
        const [current] = await tx<{ role: Role }[]>`
          select role from ${table()} where ${key()} = ${id} and user_id = ${userId}`;
        if (!current) throw notFound('Member');
        if (k.lastOwner && current.role === 'owner' && (await otherOwners(tx, id, userId)) === 0)
          throw conflict(k.lastOwner);
        await tx`delete from ${table()} where ${key()} = ${id} and user_id = ${userId}`;
        await audit(c, tx, userId === actor ? 'member.leave' : 'member.remove', userId, {
          role: current.role,
        });
      });
      return c.body(null, 204);
    },
  );
  return router;
}
