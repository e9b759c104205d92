import { randomUUID } from 'node:crypto';
import { BriefRulesError, templateDraft } from '@clapboard/screenplay';
import { BriefDraftError, loadDraftableBrief, writeStoryboardDraft } from '@clapboard/server/briefs';
import type { Sql } from '@clapboard/server/db';
import {
  BudgetExceededError,
  type Capabilities,
  CapabilityMissingError,
  createCapabilities,
  EnqueueFailedError,
  submitJob,
} from '@clapboard/server/jobs';
import { API_PREFIX } from '@clapboard/shared/api';
import {
  type BriefChangedDetails,
  type BriefFields,
  briefDraftAppliedSchema,
  briefPageSchema,
  briefParamsSchema,
  briefSchema,
  createBriefBodySchema,
  draftBriefBodySchema,
  listBriefsQuerySchema,
  updateBriefBodySchema,
} from '@clapboard/shared/campaigns';
import { staleLeaves } from '@clapboard/shared/field-merge';
import { jobActionResponseSchema } from '@clapboard/shared/jobs';
import { can, PERMISSIONS, type Permission } from '@clapboard/shared/permissions';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../app';
import type { AppEnv } from '../app-env';
import { writeAudit } from '../audit/write-audit';
import { authorizeProject, roleForbidden } from '../auth/authorize-project';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { limitStoreOf } from '../auth/limit-store';
import { type BriefDraftRate, DEFAULT_BRIEF_DRAFT_RATE, hitRateLimit } from '../auth/rate-limit';
import { requireUser } from '../auth/require-user';
import { type BriefRow, briefColumns, toBrief } from '../briefs/brief-view';
import {
  conflict,
  HttpError,
  notFound,
  paymentRequired,
  rateLimited,
  unprocessable,
  validationFailed,
} from '../errors/http-error';
import { decodeCursor, keysetPage } from '../pagination/cursor';
import { bearerSecurity, createRouter, jsonBody, jsonResponse } from './create-router';
import { errorResponses, errorsFor } from './error-responses';

const briefs = `${API_PREFIX}/briefs`;
const oneBrief = `${API_PREFIX}/briefs/{id}`;

export interface BriefRouteDeps
  extends Pick<
    AppDeps,
    | 'sql'
    | 'redis'
    | 'redisPrefix'
    | 'jwtSecret'
    | 'revocations'
    | 'queues'
    | 'emitter'
    | 'submitThroughOutbox'
    | 'limitStore'
    | 'peerAddress'
    | 'trustProxy'
  > {
  /** Drafts one member may ask for per window; defaults in DEFAULT_BRIEF_DRAFT_RATE (30 an hour). */
  briefDraftRate?: Partial<BriefDraftRate>;
  /** Which job types live workers run; default read from their reports in Redis. */
  capabilities?: Capabilities;
}

/**
 * The live brief `id` (its project and campaign live too) and the caller's role on its project,
 * checked for `permission`; those without a role get 404, as for the project.
 */
async function authorizeBrief(sql: Sql, id: string, userId: string, permission: Permission) {
  const [row] = await sql<BriefRow[]>`
    select ${briefColumns(sql)} from briefs b
    join campaigns c on c.id = b.campaign_id and c.deleted_at is null
    where b.id = ${id} and b.deleted_at is null`;
  if (!row) throw notFound('Brief');
  try {
    const role = await authorizeProject(sql, row.project_id, userId, permission);
    return { row, role };
  } catch (err) {
    // A brief of a project the caller cannot see does not exist for them.
    if (err instanceof HttpError && err.status === 404) throw notFound('Brief');
    throw err;
  }
}

/** 422 unless every id names a live asset of the project (the brief's mood images, earlier ads). */
async function assertReferenceAssets(sql: Sql, projectId: string, ids: readonly string[]) {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return;
  const found = await sql<{ id: string }[]>`
    select id from assets where project_id = ${projectId} and deleted_at is null and id in ${sql(wanted)}`;
  const have = new Set(found.map((r) => r.id));
  const missing = wanted.filter((id) => !have.has(id));
  if (missing.length)
    throw unprocessable('referenceAssetIds must name assets of the brief’s project.', {
      field: 'referenceAssetIds',
      missing,
    });
}

/** A BriefDraftError (or the template's BriefRulesError) as the HTTP error it stands for. */
function draftHttpError(err: unknown): unknown {
  if (err instanceof BriefDraftError)
    return err.status === 409 ? conflict(err.message, err.details) : unprocessable(err.message, err.details);
  if (err instanceof BriefRulesError) return unprocessable(err.message, { problems: err.problems });
  return err;
}

/**
 * Briefs (issue #18): what a campaign's project is to say, to whom, how long, with which lines and
 * without which words. A brief belongs to one project of a campaign and is read and written through
 * the caller's effective role on that project (`briefs:read`, `briefs:write`; client guests have
 * neither). `POST /briefs/{id}/draft` turns it into a storyboard in the project document: with the
 * LLM (`brief.draft` job) when a worker offers one, else with the template at once. Changes are
 * audited on the project.
 */
export function briefRoutes(deps: BriefRouteDeps) {
  const { sql } = deps;
  const ipOf = (c: Context<AppEnv>) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);
  const auth = requireUser(deps);
  const capabilities = deps.capabilities ?? createCapabilities(deps.redis, deps.redisPrefix);
  const draftRate = { ...DEFAULT_BRIEF_DRAFT_RATE, ...deps.briefDraftRate };
  const limitStore = limitStoreOf(deps);
  const readRoles = PERMISSIONS['briefs:read'] as readonly string[];

  /** Counts one draft asked by `userId`; 429 with Retry-After past the member's limit. */
  const limitDrafts = async (userId: string) => {
    if (draftRate.perMember <= 0) return;
    const verdict = await hitRateLimit(
      limitStore,
      `${deps.redisPrefix ?? 'clapboard'}:rl:brief-draft:${userId}`,
      draftRate.perMember,
      draftRate.windowSec,
    );
    if (!verdict.allowed)
      throw rateLimited(
        verdict.retryAfterSec,
        `You asked for ${draftRate.perMember} drafts in the last ${Math.round(draftRate.windowSec / 60)} min, the most one member may; try again in ${verdict.retryAfterSec} s.`,
      );
  };

  return createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: briefs,
        tags: ['briefs'],
        summary: "Write a brief for a campaign's project (owners, editors of the project)",
        description:
          'The project must belong to a campaign; the brief takes that campaign. `referenceAssetIds` must name assets of the project.',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: jsonBody(createBriefBodySchema),
        responses: {
          201: jsonResponse(briefSchema, 'Created'),
          ...errorsFor(400, 401, 403, 404, 422),
          409: { ...errorResponses[409], description: 'The project is not in a campaign' },
        },
      }),
      async (c) => {
        const { projectId, ...fields } = c.req.valid('json');
        const userId = currentUserId(c);
        await authorizeProject(sql, projectId, userId, 'briefs:write');
        const [project] = await sql<{ campaign_id: string | null }[]>`
          select c.id as campaign_id from projects p
          left join campaigns c on c.id = p.campaign_id and c.deleted_at is null
          where p.id = ${projectId}`;
        if (!project?.campaign_id)
          throw conflict(
            'The project is not in a campaign: a brief belongs to a campaign’s project. Add the project to a campaign first (POST /api/v1/campaigns/{id}/projects), then write its brief.',
            { field: 'projectId' },
          );
        await assertReferenceAssets(sql, projectId, fields.referenceAssetIds);
        const row = await sql.begin(async (tx) => {
          const [r] = await tx<BriefRow[]>`
            with b as (
              insert into briefs (campaign_id, project_id, fields, created_by)
              values (${project.campaign_id}, ${projectId}, ${tx.json(fields as never)}, ${userId})
              returning *)
            select ${briefColumns(sql)} from b`;
          await writeAudit(tx, {
            projectId,
            actorId: userId,
            action: 'brief.create',
            targetType: 'brief',
            targetId: r!.id,
            details: { title: fields.title, campaignId: project.campaign_id },
            ip: ipOf(c),
          });
          return r!;
        });
        return c.json(toBrief(row), 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: briefs,
        tags: ['briefs'],
        summary: "A campaign's or a project's briefs, newest first (cursor paginated)",
        description:
          'Give `campaignId`, `projectId` or both. Only briefs of projects where your role reads briefs are listed (a campaign filter lists nothing for someone who reads none of its projects); `projectId` answers 404/403 like the project.',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { query: listBriefsQuerySchema },
        responses: {
          200: jsonResponse(briefPageSchema, 'A page of briefs'),
          ...errorsFor(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const { campaignId, projectId, limit, cursor: raw } = c.req.valid('query');
        const userId = currentUserId(c);
        if (!campaignId && !projectId)
          throw validationFailed(
            [{ path: ['campaignId'], message: 'give campaignId or projectId' }],
            'Give campaignId or projectId.',
          );
        if (projectId) await authorizeProject(sql, projectId, userId, 'briefs:read');
        const after = decodeCursor(raw);
        // Keyset over (created_at, id) at Postgres' full precision (see pagination/cursor.ts).
        const rows = await sql<BriefRow[]>`
          select ${briefColumns(sql)} from briefs b
          join campaigns c on c.id = b.campaign_id and c.deleted_at is null
          join projects p on p.id = b.project_id and p.deleted_at is null
          join effective_project_roles e on e.project_id = b.project_id and e.user_id = ${userId}
          where b.deleted_at is null and e.role in ${sql(readRoles)}
            ${campaignId ? sql`and b.campaign_id = ${campaignId}` : sql``}
            ${projectId ? sql`and b.project_id = ${projectId}` : sql``}
            ${after ? sql`and (b.created_at, b.id) < (${after.createdAt}::text::timestamptz, ${after.id}::uuid)` : sql``}
          order by b.created_at desc, b.id desc
          limit ${limit + 1}`;
        const { page, nextCursor } = keysetPage(rows, limit);
        return c.json({ items: page.map(toBrief), nextCursor }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: oneBrief,
        tags: ['briefs'],
        summary: 'One brief',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: briefParamsSchema },
        responses: { 200: jsonResponse(briefSchema, 'The brief'), ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { row } = await authorizeBrief(sql, c.req.valid('param').id, currentUserId(c), 'briefs:read');
        return c.json(toBrief(row), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: oneBrief,
        tags: ['briefs'],
        summary: 'Change a brief (owners, editors): the fields named change, the others stay',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: briefParamsSchema, ...jsonBody(updateBriefBodySchema) },
        responses: {
          200: jsonResponse(briefSchema, 'Changed'),
          409: {
            ...errorResponses[409],
            description:
              'A field in `base` has changed since the caller read it: `details.fields` names them, `details.current` is the brief now; nothing was written',
          },
          ...errorsFor(400, 401, 403, 404, 422),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { base, ...patch } = c.req.valid('json');
        const userId = currentUserId(c);
        const { row: before } = await authorizeBrief(sql, id, userId, 'briefs:write');
        if (patch.referenceAssetIds)
          await assertReferenceAssets(sql, before.project_id, patch.referenceAssetIds);
        const row = await sql.begin(async (tx) => {
          if (base && Object.keys(base).length > 0) {
            // Read under the row lock the update takes anyway, so no change slips in between.
            const [now] = await tx<BriefRow[]>`
              select ${briefColumns(sql)} from briefs b where b.id = ${id} and b.deleted_at is null for update`;
            if (!now) throw notFound('Brief');
            const current = toBrief(now);
            const changed = staleLeaves(current, base) as BriefChangedDetails['fields'];
            if (changed.length > 0) {
              const details: BriefChangedDetails = { fields: changed, current };
              throw conflict(
                `Someone changed ${changed.length === 1 ? 'this field' : 'these fields'} of the brief since you opened it: ${changed.join(', ')}. Nothing was saved; keep your version or take theirs, then save again.`,
                details,
              );
            }
          }
          // The merge happens in the statement, so two edits of different fields both land.
          const [r] = await tx<BriefRow[]>`
            with b as (
              update briefs set fields = fields || ${tx.json(patch as never)}, updated_at = now()
              where id = ${id} and deleted_at is null returning *)
            select ${briefColumns(sql)} from b`;
          if (!r) throw notFound('Brief');
          await writeAudit(tx, {
            projectId: r.project_id,
            actorId: userId,
            action: 'brief.update',
            targetType: 'brief',
            targetId: id,
            details: { fields: Object.keys(patch) },
            ip: ipOf(c),
          });
          return r;
        });
        return c.json(toBrief(row), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: oneBrief,
        tags: ['briefs'],
        summary:
          'Delete a brief (owners, editors; soft delete, audited); what it drafted stays in the document',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: briefParamsSchema },
        responses: { 204: { description: 'Deleted' }, ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const userId = currentUserId(c);
        const { row } = await authorizeBrief(sql, id, userId, 'briefs:write');
        await sql.begin(async (tx) => {
          const [r] = await tx`
            update briefs set deleted_at = now(), updated_at = now()
            where id = ${id} and deleted_at is null returning id`;
          if (!r) throw notFound('Brief');
          await writeAudit(tx, {
            projectId: row.project_id,
            actorId: userId,
            action: 'brief.delete',
            targetType: 'brief',
            targetId: id,
            details: { title: (row.fields as Partial<BriefFields>).title ?? null },
            ip: ipOf(c),
          });
        });
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: `${oneBrief}/draft`,
        tags: ['briefs'],
        summary: "Draft the project's storyboard from the brief (owners, editors)",
        description: [
          '`mode: "auto"` (default) asks the LLM when a worker offers `brief.draft` (202 with the job; the',
          'draft lands in the project document when it completes), else writes the template draft at once',
          '(200). `mode: "template"` always writes the template draft. Either way the draft speaks every',
          'must-say line of the brief and of the campaign brand kit and holds none of their banned words;',
          'scene lengths add up to the brief’s first duration. A script that is not empty is replaced',
          'only with `replace: true` (else 409); the script as it was is saved as a version first.',
          'Limited per member (BRIEF_DRAFT_RATE_PER_MEMBER an hour, 429 past it).',
        ].join(' '),
        middleware: [auth] as const,
        security: bearerSecurity,
        request: {
          params: briefParamsSchema,
          body: { required: false, content: { 'application/json': { schema: draftBriefBodySchema } } },
        },
        responses: {
          200: jsonResponse(briefDraftAppliedSchema, 'The template draft is in the project document'),
          202: jsonResponse(jobActionResponseSchema, 'The LLM draft job is queued'),
          ...errorsFor(400, 401, 403, 404, 429),
          402: { ...errorResponses[409], description: 'The LLM job would pass the hard budget' },
          409: {
            ...errorResponses[409],
            description:
              'The script is not empty and `replace` was not set, or the project left the brief’s campaign',
          },
          422: {
            ...errorResponses[422],
            description: 'The brief’s own text (or a must-say line of the brand kit) holds a banned word',
          },
          503: {
            ...errorResponses[409],
            description: 'The LLM job could not be queued; nothing was created',
          },
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        // An empty body is `{}`: the defaults (auto, no replace).
        const body = draftBriefBodySchema.safeParse(c.req.valid('json') ?? {});
        if (!body.success) throw validationFailed(body.error.issues);
        const { mode, replace } = body.data;
        const userId = currentUserId(c);
        const { row, role } = await authorizeBrief(sql, id, userId, 'briefs:write');
        // A draft writes the document (and may start a job): the roles that may do those too.
        if (!can(role, 'document:write')) throw roleForbidden(role, 'document:write');
        await limitDrafts(userId);
        const projectId = row.project_id;
        const brief = await loadDraftableBrief(sql, { projectId, briefId: id, replace }).catch((err) => {
          throw draftHttpError(err);
        });

        if (mode === 'auto' && can(role, 'jobs:create')) {
          let offered = true;
          try {
            await capabilities.require('brief.draft');
          } catch (err) {
            if (!(err instanceof CapabilityMissingError)) throw err;
            offered = false;
          }
          if (offered) {
            try {
              const result = await submitJob(
                sql,
                deps.submitThroughOutbox ? null : deps.queues,
                deps.emitter,
                { projectId, userId, type: 'brief.draft', params: { briefId: id, replace } },
              );
              await writeAudit(sql, {
                projectId,
                actorId: userId,
                action: 'brief.draft',
                targetType: 'brief',
                targetId: id,
                details: { source: 'llm', jobId: result.job.id, replace },
                ip: ipOf(c),
              });
              return c.json({ job: result.job }, 202);
            } catch (err) {
              if (err instanceof BudgetExceededError) throw paymentRequired(err.message, err.figures);
              if (err instanceof EnqueueFailedError) throw new HttpError(503, 'unavailable', err.message);
              throw err;
            }
          }
        }

        let written: Awaited<ReturnType<typeof writeStoryboardDraft>>;
        try {
          const draft = templateDraft(brief.fields, brief.writing);
          written = await writeStoryboardDraft(sql, {
            projectId,
            briefId: id,
            draft,
            replace,
            source: { source: 'template', provider: null, jobId: null },
            userId,
            redis: deps.redis,
            origin: `api:${randomUUID()}`,
          });
        } catch (err) {
          throw draftHttpError(err);
        }
        await writeAudit(sql, {
          projectId,
          actorId: userId,
          action: 'brief.draft',
          targetType: 'brief',
          targetId: id,
          details: { source: 'template', scenes: written.scenes, backupVersionId: written.backupVersionId },
          ip: ipOf(c),
        });
        const [after] = await sql<BriefRow[]>`select ${briefColumns(sql)} from briefs b where b.id = ${id}`;
        return c.json(
          {
            source: 'template' as const,
            brief: toBrief(after!),
            scenes: written.scenes,
            backupVersionId: written.backupVersionId,
          },
          200,
        );
      },
    );
}
