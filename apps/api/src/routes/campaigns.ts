import type { Queryable } from '@clapboard/server/db';
import { API_PREFIX, paginationQuerySchema, projectParamsSchema } from '@clapboard/shared/api';
import {
  addCampaignProjectBodySchema,
  type Campaign,
  type CampaignProject,
  type CampaignStatus,
  campaignPageSchema,
  campaignParamsSchema,
  campaignProjectPageSchema,
  campaignProjectSchema,
  campaignSchema,
  createCampaignBodySchema,
  listCampaignsQuerySchema,
  shareWithClientBodySchema,
  updateCampaignBodySchema,
} from '@clapboard/shared/campaigns';
import type { Role } from '@clapboard/shared/roles';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../app';
import type { AppEnv } from '../app-env';
import { writeAudit } from '../audit/write-audit';
import { authorizeCampaign, authorizeClient, guestSeesCampaign } from '../auth/authorize-org';
import { authorizeProject } from '../auth/authorize-project';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { requireUser } from '../auth/require-user';
import { badRequest, conflict } from '../errors/http-error';
import { decodeCursor, keysetPage } from '../pagination/cursor';
import { insertProject } from '../projects/insert-project';
import { announceKitChange } from '../variants/announce-kit-change';
import { bearerSecurity, createRouter, jsonBody, jsonResponse } from './create-router';
import { errorsFor } from './error-responses';
import { orgMemberRoutes } from './org-members';

type CampaignRow = {
  id: string;
  client_id: string;
  client_name: string;
  name: string;
  status: CampaignStatus;
  starts_on: string | null;
  ends_on: string | null;
  brand_kit_id: string | null;
  require_storyboard_approval: boolean;
  role: Role;
  project_count: number;
  created_at: Date;
  cursor_ts: string;
};
const toCampaign = (r: CampaignRow): Campaign => ({
  id: r.id,
  clientId: r.client_id,
  clientName: r.client_name,
  name: r.name,
  status: r.status,
  startsOn: r.starts_on,
  endsOn: r.ends_on,
  brandKitId: r.brand_kit_id,
  requireStoryboardApproval: r.require_storyboard_approval,
  role: r.role,
  projectCount: r.project_count,
  createdAt: r.created_at.toISOString(),
});

type ProjectRow = {
  id: string;
  name: string;
  role: Role;
  client_shared: boolean;
  variant_count: number;
  updated_at: Date;
  cursor_ts: string;
};
const toCampaignProject = (r: ProjectRow): CampaignProject => ({
  id: r.id,
  name: r.name,
  role: r.role,
  sharedWithClient: r.client_shared,
  variantCount: r.variant_count,
  updatedAt: r.updated_at.toISOString(),
});

/** The kit must be a live kit of the campaign's client. */
async function assertKitOfClient(sql: Queryable, kitId: string | null | undefined, clientId: string) {
  if (!kitId) return;
  const [kit] =
    await sql`select 1 from brand_kits where id = ${kitId} and client_id = ${clientId} and deleted_at is null`;
  if (!kit) throw badRequest('The brand kit is not one of this client’s kits.');
}

/**
 * Campaigns of a client, their members (roles hold on every project of the campaign), their
 * projects, and sharing a project with the client's guests. Guests list and read only the
 * campaigns with a project shared with them, and only those projects.
 */
export function campaignRoutes(deps: AppDeps) {
  const { sql } = deps;
  const auth = requireUser(deps);
  const ipOf = (c: Context<AppEnv>) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);
  const audit = (
    c: Context<AppEnv>,
    tx: Queryable,
    action: string,
    id: string,
    details: object = {},
    projectId: string | null = null,
  ) =>
    writeAudit(tx, {
      projectId,
      actorId: currentUserId(c),
      action,
      targetType: 'campaign',
      targetId: id,
      details: details as Record<string, unknown>,
      ip: ipOf(c),
    });
  /** Campaigns as `userId` sees them (their effective role), guests only those shared with them. */
  const campaignsOf = (userId: string) => sql`
    select c.id, c.client_id, k.name as client_name, c.name, c.status, c.starts_on::text, c.ends_on::text,
      c.brand_kit_id, c.require_storyboard_approval, m.role, c.created_at, c.created_at::text as cursor_ts,
      (select count(*)::int from projects p where p.campaign_id = c.id and p.deleted_at is null
         and (m.role <> 'guest' or p.client_shared)) as project_count
    from effective_campaign_roles m
    join campaigns c on c.id = m.campaign_id and c.deleted_at is null
    join clients k on k.id = c.client_id and k.deleted_at is null
    where m.user_id = ${userId} and (m.role <> 'guest' or ${guestSeesCampaign(sql)})`;
  const loadCampaign = async (id: string, userId: string) => {
    const [row] = await sql<CampaignRow[]>`select * from (${campaignsOf(userId)}) x where x.id = ${id}`;
    return toCampaign(row!);
  };

  const router = createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: `${API_PREFIX}/campaigns`,
        tags: ['campaigns'],
        summary: "Create a campaign for a client (the client's owners and editors)",
        middleware: [auth] as const,
        security: bearerSecurity,
        request: jsonBody(createCampaignBodySchema),
        responses: { 201: jsonResponse(campaignSchema, 'Created'), ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const body = c.req.valid('json');
        const userId = currentUserId(c);
        await authorizeClient(sql, body.clientId, userId, 'campaigns:create');
        const id = await sql.begin(async (tx) => {
          await assertKitOfClient(tx, body.brandKitId, body.clientId);
          const [row] = await tx<{ id: string }[]>`
            insert into campaigns (client_id, name, starts_on, ends_on, brand_kit_id, require_storyboard_approval, created_by)
            values (${body.clientId}, ${body.name}, ${body.startsOn ?? null}, ${body.endsOn ?? null},
              ${body.brandKitId ?? null}, ${body.requireStoryboardApproval}, ${userId})
            returning id`;
          await audit(c, tx, 'campaign.create', row!.id, { clientId: body.clientId, name: body.name });
          return row!.id;
        });
        return c.json(await loadCampaign(id, userId), 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/campaigns`,
        tags: ['campaigns'],
        summary: 'Campaigns you can see, newest first; filter by client, status and name',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { query: listCampaignsQuerySchema },
        responses: { 200: jsonResponse(campaignPageSchema, 'A page of campaigns'), ...errorsFor(400, 401) },
      }),
      async (c) => {
        const { limit, cursor: raw, clientId, status, q } = c.req.valid('query');
        const after = decodeCursor(raw);
        const rows = await sql<CampaignRow[]>`
          select * from (${campaignsOf(currentUserId(c))}) x
          where true
            ${clientId ? sql`and x.client_id = ${clientId}` : sql``}
            ${status ? sql`and x.status = ${status}` : sql``}
            ${q ? sql`and x.name ilike ${`%${q.replace(/[\\%_]/g, '\\$&')}%`}` : sql``}
            ${after ? sql`and (x.created_at, x.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : sql``}
          order by x.created_at desc, x.id desc limit ${limit + 1}`;
        const { page, nextCursor } = keysetPage(rows, limit);
        return c.json(
          {
            items: page.map(toCampaign),
            nextCursor,
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/campaigns/{id}`,
        tags: ['campaigns'],
        summary: 'One campaign with your role',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: campaignParamsSchema },
        responses: { 200: jsonResponse(campaignSchema, 'The campaign'), ...errorsFor(400, 401, 404) },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await authorizeCampaign(sql, id, currentUserId(c), 'campaign:read');
        return c.json(await loadCampaign(id, currentUserId(c)), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: `${API_PREFIX}/campaigns/{id}`,
        tags: ['campaigns'],
        summary: 'Change a campaign: name, status, dates, brand kit, approval gate (owners, editors)',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: campaignParamsSchema, ...jsonBody(updateCampaignBodySchema) },
        responses: { 200: jsonResponse(campaignSchema, 'Updated'), ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const b = c.req.valid('json');
        const userId = currentUserId(c);
        const { clientId } = await authorizeCampaign(sql, id, userId, 'campaign:update');
        await sql.begin(async (tx) => {
          await assertKitOfClient(tx, b.brandKitId, clientId);
          const [row] = await tx<{ ok: boolean }[]>`
            update campaigns set
              name = coalesce(${b.name ?? null}, name),
              status = coalesce(${b.status ?? null}, status),
              starts_on = ${b.startsOn === undefined ? sql`starts_on` : sql`${b.startsOn}::date`},
              ends_on = ${b.endsOn === undefined ? sql`ends_on` : sql`${b.endsOn}::date`},
              brand_kit_id = ${b.brandKitId === undefined ? sql`brand_kit_id` : sql`${b.brandKitId}::uuid`},
              require_storyboard_approval = coalesce(${b.requireStoryboardApproval ?? null}, require_storyboard_approval),
              updated_at = now()
            where id = ${id}
            returning (starts_on is null or ends_on is null or starts_on <= ends_on) as ok`;
          if (!row!.ok) throw badRequest('The campaign would end before it starts.');
          await audit(c, tx, 'campaign.update', id, b);
        });
        if (b.brandKitId !== undefined) await announceKitChange(deps, { campaignId: id });
        return c.json(await loadCampaign(id, userId), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: `${API_PREFIX}/campaigns/{id}`,
        tags: ['campaigns'],
        summary: 'Delete a campaign (owners); its projects stay, outside any campaign',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: campaignParamsSchema },
        responses: { 204: { description: 'Deleted' }, ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await authorizeCampaign(sql, id, currentUserId(c), 'campaign:delete');
        await sql.begin(async (tx) => {
          // Projects leave the campaign (and stop being shared) so inherited roles end with it.
          await tx`update projects set campaign_id = null, client_shared = false where campaign_id = ${id}`;
          await tx`update campaigns set deleted_at = now() where id = ${id}`;
          await audit(c, tx, 'campaign.delete', id);
        });
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/campaigns/{id}/projects`,
        tags: ['campaigns'],
        summary: "A campaign's projects (guests: only those shared with the client), recently changed first",
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: campaignParamsSchema, query: paginationQuerySchema },
        responses: {
          200: jsonResponse(campaignProjectPageSchema, 'A page of projects'),
          ...errorsFor(400, 401, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { limit, cursor: raw } = c.req.valid('query');
        const userId = currentUserId(c);
        await authorizeCampaign(sql, id, userId, 'campaign:read');
        const after = decodeCursor(raw);
        const rows = await sql<ProjectRow[]>`
          select p.id, p.name, m.role, p.client_shared, p.updated_at, p.updated_at::text as cursor_ts,
            (select count(*)::int from variants v where v.project_id = p.id) as variant_count
          from projects p join effective_project_roles m on m.project_id = p.id and m.user_id = ${userId}
          where p.campaign_id = ${id} and p.deleted_at is null
            ${after ? sql`and (p.updated_at, p.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : sql``}
          order by p.updated_at desc, p.id desc limit ${limit + 1}`;
        const { page, nextCursor } = keysetPage(rows, limit);
        return c.json(
          {
            items: page.map(toCampaignProject),
            nextCursor,
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: `${API_PREFIX}/campaigns/{id}/projects`,
        tags: ['campaigns'],
        summary: 'Create a project in the campaign, or move one you own into it (owners, editors)',
        description:
          'Body `{ name }` creates a project (you own it; the campaign’s and client’s members get their roles on it). Body `{ projectId }` moves a project you own into the campaign (409 when it is in another campaign: take it out there first).',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: campaignParamsSchema, ...jsonBody(addCampaignProjectBodySchema) },
        responses: {
          201: jsonResponse(campaignProjectSchema, 'Added'),
          ...errorsFor(400, 401, 403, 404, 409),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const body = c.req.valid('json');
        const userId = currentUserId(c);
        await authorizeCampaign(sql, id, userId, 'campaign:projects');
        const projectId = await sql.begin(async (tx) => {
          await tx`select id from campaigns where id = ${id} for update`;
          let pid: string;
          if ('name' in body) {
            pid = await insertProject(tx, {
              name: body.name,
              userId,
              ip: ipOf(c),
              details: { campaignId: id },
            });
          } else {
            pid = body.projectId;
            const [own] = await tx<{ role: string; campaign_id: string | null }[]>`
              select m.role, p.campaign_id from project_members m join projects p on p.id = m.project_id
              where m.project_id = ${pid} and m.user_id = ${userId} and p.deleted_at is null for update of p`;
            if (own?.role !== 'owner')
              throw badRequest('Only a project you own can be moved into a campaign.');
            if (own.campaign_id && own.campaign_id !== id)
              throw conflict('The project is in another campaign. Take it out of that campaign first.');
          }
          await tx`update projects set campaign_id = ${id}, updated_at = now() where id = ${pid}`;
          await audit(c, tx, 'campaign.project_add', id, { projectId: pid }, pid);
          return pid;
        });
        const [row] = await sql<ProjectRow[]>`
          select p.id, p.name, m.role, p.client_shared, p.updated_at, p.updated_at::text as cursor_ts, 0 as variant_count
          from projects p join effective_project_roles m on m.project_id = p.id and m.user_id = ${userId}
          where p.id = ${projectId}`;
        return c.json(toCampaignProject(row!), 201);
      },
    )
    .openapi(
      createRoute({
        method: 'put',
        path: `${API_PREFIX}/projects/{id}/client-share`,
        tags: ['campaigns'],
        summary: "Share a campaign project's variants with the client's guests, or stop (owners, editors)",
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: projectParamsSchema, ...jsonBody(shareWithClientBodySchema) },
        responses: {
          200: jsonResponse(campaignProjectSchema, 'Updated'),
          ...errorsFor(400, 401, 403, 404, 409),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { shared } = c.req.valid('json');
        const userId = currentUserId(c);
        await authorizeProject(sql, id, userId, 'client:share');
        const row = await sql.begin(async (tx) => {
          const [p] = await tx<{ campaign_id: string | null }[]>`
            select campaign_id from projects where id = ${id} for update`;
          if (!p?.campaign_id) throw conflict('Only a project in a campaign can be shared with its client.');
          await tx`update projects set client_shared = ${shared} where id = ${id}`;
          await audit(
            c,
            tx,
            shared ? 'project.client_share' : 'project.client_unshare',
            p.campaign_id,
            {},
            id,
          );
          const [r] = await tx<ProjectRow[]>`
            select p.id, p.name, m.role, p.client_shared, p.updated_at, p.updated_at::text as cursor_ts,
              (select count(*)::int from variants v where v.project_id = p.id) as variant_count
            from projects p join effective_project_roles m on m.project_id = p.id and m.user_id = ${userId}
            where p.id = ${id}`;
          return r!;
        });
        return c.json(toCampaignProject(row), 200);
      },
    );
  router.route('/', orgMemberRoutes(deps, 'campaign'));
  return router;
}
