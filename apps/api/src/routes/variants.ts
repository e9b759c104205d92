import { emitVariantChanged } from '@clapboard/server/jobs';
import { createNotifications } from '@clapboard/server/notifications';
import { API_PREFIX, projectParamsSchema } from '@clapboard/shared/api';
import {
  decideVariantBodySchema,
  listVariantsQuerySchema,
  type VariantComment,
  variantCommentBodySchema,
  variantCommentListSchema,
  variantCommentSchema,
  variantPageSchema,
  variantParamsSchema,
  variantSchema,
} from '@clapboard/shared/campaigns';
import { can, type Permission } from '@clapboard/shared/permissions';
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
import { conflict, HttpError, notFound } from '../errors/http-error';
import { decodeCursor, keysetPage } from '../pagination/cursor';
import { toVariant, type VariantRow, variantColumns } from '../variants/variant-view';
import { DEFAULT_ASSET_URL_TTL_SEC } from './assets';
import { bearerSecurity, createRouter, jsonBody, jsonResponse } from './create-router';
import { errorsFor } from './error-responses';

type CommentRow = {
  id: string;
  variant_id: string;
  body: string;
  at_sec: number | null;
  client_visible: boolean;
  author_id: string | null;
  author_name: string | null;
  author_role: Role | null;
  created_at: Date;
};
const toComment = (r: CommentRow): VariantComment => ({
  id: r.id,
  variantId: r.variant_id,
  body: r.body,
  atSec: r.at_sec,
  clientVisible: r.client_visible,
  author: { id: r.author_id, name: r.author_name ?? 'former member', role: r.author_role },
  createdAt: r.created_at.toISOString(),
});

/**
 * Platform variants and their review: list a project's variants, read one, decide on it
 * (approve or ask for changes: owners, reviewers and the client's guests), and comment on it.
 * Guests reach only variants of projects shared with their client, read only client-visible
 * comments, and what they write is always client-visible. Decisions are per variant and show as
 * stale once the campaign's brand kit changes after the render.
 */
export function variantRoutes(deps: AppDeps) {
  const { sql } = deps;
  const auth = requireUser(deps);
  const ipOf = (c: Context<AppEnv>) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);
  const urls = () => ({
    secret: deps.jwtSecret,
    publicUrl: deps.publicUrl,
    ttlSec: deps.assetUrlTtlSec ?? DEFAULT_ASSET_URL_TTL_SEC,
  });
  const loadRow = async (id: string) => {
    const [row] = await sql<
      VariantRow[]
    >`select ${variantColumns(sql)} where v.id = ${id} and p.deleted_at is null`;
    return row ?? null;
  };
  /** The variant and the caller's role on its project; a variant they cannot see does not exist. */
  const authorizeVariant = async (id: string, userId: string, permission: Permission) => {
    const row = await loadRow(id);
    if (!row) throw notFound('Variant');
    try {
      return { row, role: await authorizeProject(sql, row.project_id, userId, permission) };
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) throw notFound('Variant');
      throw err;
    }
  };
  /** Staff hear every change; the project's client guests those the client may see. */
  const changed = (
    projectId: string,
    variantId: string,
    reason: 'decided' | 'commented',
    clientVisible: boolean,
  ) => deps.emitter && emitVariantChanged(deps.emitter, projectId, [variantId], reason, clientVisible);
  const variantParams = variantParamsSchema;

  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/projects/{id}/variants`,
        tags: ['variants'],
        summary: "A project's platform variants, newest first; filter by status and decision",
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: projectParamsSchema, query: listVariantsQuerySchema },
        responses: {
          200: jsonResponse(variantPageSchema, 'A page of variants'),
          ...errorsFor(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { limit, cursor: raw, status, approval } = c.req.valid('query');
        await authorizeProject(sql, id, currentUserId(c), 'variants:read');
        const after = decodeCursor(raw);
        const rows = await sql<VariantRow[]>`
          select * from (select ${variantColumns(sql)} where v.project_id = ${id}) x
          where true
            ${status ? sql`and x.status = ${status}` : sql``}
            ${approval === 'pending' ? sql`and x.approval is null` : sql``}
            ${approval && approval !== 'pending' ? sql`and x.approval->>'status' = ${approval}` : sql``}
            ${after ? sql`and (x.created_at, x.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : sql``}
          order by x.created_at desc, x.id desc limit ${limit + 1}`;
        const { page, nextCursor } = keysetPage(rows, limit);
        const o = urls();
        return c.json(
          {
            items: await Promise.all(page.map((r) => toVariant(r, o))),
            nextCursor,
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/variants/{id}`,
        tags: ['variants'],
        summary: 'One variant with its decision and signed download links',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: variantParams },
        responses: { 200: jsonResponse(variantSchema, 'The variant'), ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { row } = await authorizeVariant(id, currentUserId(c), 'variants:read');
        return c.json(await toVariant(row, urls()), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: `${API_PREFIX}/variants/{id}/approval`,
        tags: ['variants'],
        summary: 'Approve a rendered variant or ask for changes (owners, reviewers, client guests)',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: variantParams, ...jsonBody(decideVariantBodySchema) },
        responses: { 200: jsonResponse(variantSchema, 'Decided'), ...errorsFor(400, 401, 403, 404, 409) },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { status, note } = c.req.valid('json');
        const userId = currentUserId(c);
        const { row, role } = await authorizeVariant(id, userId, 'variants:approve');
        if (row.status !== 'ready') throw conflict('Only a rendered variant can be decided on.');
        await sql.begin(async (tx) => {
          await tx`
            insert into variant_approvals (variant_id, status, note, reviewer_id, reviewer_role, brand_kit_revision)
            values (${id}, ${status}, ${note ?? null}, ${userId}, ${role}, ${row.brand_kit_revision})`;
          await writeAudit(tx, {
            projectId: row.project_id,
            actorId: userId,
            action: `variant.${status === 'approved' ? 'approve' : 'request_changes'}`,
            targetType: 'variant',
            targetId: id,
            details: { role, key: row.key },
            ip: ipOf(c),
          });
        });
        const [actor] = await sql<{ name: string }[]>`select name from users where id = ${userId}`;
        const team = await sql<{ user_id: string }[]>`
          select user_id from effective_project_roles
          where project_id = ${row.project_id} and role in ('owner', 'editor')`;
        await createNotifications(sql, deps.emitter, {
          userIds: team.map((t) => t.user_id),
          kind: 'variant_decision',
          projectId: row.project_id,
          payload: { variantId: id, label: row.label, status, role, actor: actor?.name ?? 'Someone' },
          actorId: userId,
        });
        changed(row.project_id, id, 'decided', true);
        return c.json(await toVariant((await loadRow(id))!, urls()), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/variants/{id}/comments`,
        tags: ['variants'],
        summary: 'Comments on a variant, oldest first (guests: only client-visible ones)',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: variantParams },
        responses: {
          200: jsonResponse(variantCommentListSchema, 'Comments'),
          ...errorsFor(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { role } = await authorizeVariant(id, currentUserId(c), 'variants:read');
        const internal = can(role, 'comments:internal');
        const rows = await sql<CommentRow[]>`
          select vc.id, vc.variant_id, vc.body, vc.at_sec, vc.client_visible, vc.author_id, u.name as author_name,
            vc.author_role, vc.created_at
          from variant_comments vc left join users u on u.id = vc.author_id
          where vc.variant_id = ${id} ${internal ? sql`` : sql`and vc.client_visible`}
          order by vc.created_at, vc.id limit 1000`;
        return c.json({ items: rows.map(toComment) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: `${API_PREFIX}/variants/{id}/comments`,
        tags: ['variants'],
        summary: 'Comment on a variant (owners, editors, reviewers, client guests)',
        description:
          'Team comments stay internal unless `clientVisible` is true; a guest’s comments are always client-visible.',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: variantParams, ...jsonBody(variantCommentBodySchema) },
        responses: { 201: jsonResponse(variantCommentSchema, 'Posted'), ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const body = c.req.valid('json');
        const userId = currentUserId(c);
        const { row, role } = await authorizeVariant(id, userId, 'variants:comment');
        const visible = role === 'guest' || body.clientVisible;
        const comment = await sql.begin(async (tx) => {
          const [r] = await tx<CommentRow[]>`
            with ins as (
              insert into variant_comments (variant_id, project_id, author_id, author_role, body, at_sec, client_visible)
              values (${id}, ${row.project_id}, ${userId}, ${role}, ${body.body}, ${body.atSec ?? null}, ${visible})
              returning *)
            select ins.id, ins.variant_id, ins.body, ins.at_sec, ins.client_visible, ins.author_id,
              u.name as author_name, ins.author_role, ins.created_at
            from ins left join users u on u.id = ins.author_id`;
          await writeAudit(tx, {
            projectId: row.project_id,
            actorId: userId,
            action: 'variant.comment',
            targetType: 'variant',
            targetId: id,
            details: { commentId: r!.id, clientVisible: visible },
            ip: ipOf(c),
          });
          return r!;
        });
        changed(row.project_id, id, 'commented', visible);
        return c.json(toComment(comment), 201);
      },
    );
}
