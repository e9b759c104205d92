import type { Sql } from '@clapboard/server/db';
import {
  announceJob,
  BudgetExceededError,
  CampaignBudgetExceededError,
  type Capabilities,
  CapabilityMissingError,
  createCapabilities,
  createSubmitBatcher,
  EnqueueFailedError,
  finishJob,
  type JobEmitter,
  type JobQueues,
  type JobRow,
  jobInputsOf,
  jobStore,
  learnedWork,
  NotRetryableError,
  PlanUnavailableError,
  publishCancel,
  retryJob,
  rootJobId,
  rowToJob,
  submitJob,
} from '@clapboard/server/jobs';
import type { Redis } from '@clapboard/server/redis';
import { errorBodySchema } from '@clapboard/shared/errors';
import {
  createJobBodySchema,
  DEFAULT_RATES_USD_PER_SEC,
  isFinalRender,
  JOB_CATALOG,
  JOB_TYPES,
  type JobOutput,
  type JobType,
  jobActionResponseSchema,
  jobDetailSchema,
  jobPageSchema,
  jobPayloadSchemas,
  type jobStepSchema,
  jobTypesResponseSchema,
  jobUpdatedResponseSchema,
  listJobsQuerySchema,
  submittedJobSchema,
  updateJobBodySchema,
} from '@clapboard/shared/jobs';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { Job as BullJob } from 'bullmq';
import type postgres from 'postgres';
import type { AppEnv } from '../app-env';
import { authorizeProject, roleForbidden } from '../auth/authorize-project';
import type { LimitStore } from '../auth/limit-store';
import { DEFAULT_JOB_SUBMIT_RATE, type JobSubmitRate } from '../auth/rate-limit';
import { requireUser } from '../auth/require-user';
import {
  badRequest,
  conflict,
  HttpError,
  notFound,
  unprocessable,
  validationFailed,
} from '../errors/http-error';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { assertSubmissionAllowed } from '../review/assert-final-render-allowed';
import { authorizeJob } from './job-access';
import { jobStartLimiter, submitRefusal } from './job-submission';

export interface JobRouteDeps {
  /** Where the per-member start limit counts (default Redis). */
  limitStore?: LimitStore;
  sql: Sql;
  jwtSecret: string;
  redis: Redis;
  queues: JobQueues;
  /** New runs are left to the outbox dispatcher instead of queued by the request (the edge entry). */
  submitThroughOutbox?: boolean;
  emitter?: JobEmitter;
  /** REDIS_PREFIX, where workers publish which job types they run. */
  redisPrefix?: string;
  /** Which job types live workers run; default read from their reports in Redis. */
  capabilities?: Capabilities;
  /** Jobs one member may start (submit or retry) per window; defaults in DEFAULT_JOB_SUBMIT_RATE. */
  jobSubmitRate?: Partial<JobSubmitRate>;
  /** The clock campaign budget days are read from; default the real one (tests move it). */
  now?: () => Date;
}

const security = [{ bearerAuth: [] }];
const errors = {
  400: { description: 'Invalid request', content: { 'application/json': { schema: errorBodySchema } } },
  401: { description: 'Not signed in', content: { 'application/json': { schema: errorBodySchema } } },
  403: { description: 'Role lacks permission', content: { 'application/json': { schema: errorBodySchema } } },
  404: {
    description: 'Not found (or not visible to you)',
    content: { 'application/json': { schema: errorBodySchema } },
  },
} as const;
const projectParams = z.object({ id: z.string().uuid() });
const jobParams = z.object({ jobId: z.string().uuid() });

/** One page of jobs matching `scope`, newest first, with the status/type filters and cursor. */
async function listJobs(
  sql: Sql,
  scope: postgres.PendingQuery<postgres.Row[]>,
  q: z.infer<typeof listJobsQuerySchema>,
) {
  // Keyset over (created_at, id) at Postgres' full microsecond precision, so rows that share a
  // millisecond (or a transaction's now()) are neither skipped nor repeated.
  const after = decodeCursor(q.cursor);
  const rows = await sql<(JobRow & { cursor_ts: string })[]>`
    select j.*, j.created_at::text as cursor_ts from jobs j
    where ${scope}
      ${q.status ? sql`and j.status = ${q.status}` : sql``}
      ${q.type ? sql`and j.type = ${q.type}` : sql``}
      ${after ? sql`and (j.created_at, j.id) < (${after.createdAt}::text::timestamptz, ${after.id}::uuid)` : sql``}
    order by j.created_at desc, j.id desc limit ${q.limit + 1}`;
  const items = rows.slice(0, q.limit);
  const last = items.at(-1);
  return {
    items: items.map(rowToJob),
    nextCursor:
      rows.length > q.limit && last ? encodeCursor({ createdAt: last.cursor_ts, id: last.id }) : null,
  };
}

async function jobDetail(sql: Sql, row: JobRow) {
  const steps = await sql<
    {
      name: string;
      status: string;
      progress: number;
      attempts: number;
      error: string | null;
      started_at: Date | null;
      finished_at: Date | null;
      outputs: JobOutput[];
    }[]
  >`
    select name, status, progress, attempts, error, started_at, finished_at, outputs from job_steps
    where job_id = ${row.id} and run = ${row.run} order by started_at nulls last, name`;
  const [w] = await sql<{ warnings: string[] }[]>`select warnings from jobs where id = ${row.id}`;
  return {
    ...rowToJob(row),
    warnings: w?.warnings ?? [],
    steps: steps.map((s) => ({
      name: s.name,
      status: s.status as z.infer<typeof jobStepSchema>['status'],
      progress: Number(s.progress),
      attempts: s.attempts,
      error: s.error,
      startedAt: s.started_at?.toISOString() ?? null,
      finishedAt: s.finished_at?.toISOString() ?? null,
      outputs: s.outputs,
    })),
  };
}

/** Payload fields that name an asset; each must be a live asset of the job's own project. */
const ASSET_FIELDS = ['assetId', 'portraitAssetId', 'videoAssetId'] as const;

async function assertAssetsInProject(
  sql: Sql,
  projectId: string,
  params: Record<string, unknown>,
): Promise<void> {
  for (const field of ASSET_FIELDS) {
    const value = params[field];
    if (typeof value !== 'string') continue;
    const [row] =
      await sql`select 1 from assets where id = ${value} and project_id = ${projectId} and deleted_at is null`;
    if (!row) throw unprocessable(`${field} does not name an asset of this project.`, { field });
  }
}

/** Every waiting BullMQ node of a job run (root and its unprocessed descendants). */
async function flowNodes(queues: JobQueues, row: JobRow): Promise<BullJob[]> {
  const queue = queues.queues[JOB_CATALOG[row.type as JobType].resourceClass];
  const rootId = rootJobId(row.id, row.run);
  const nodes: BullJob[] = [];
  const visit = async (id: string) => {
    const job = await BullJob.fromId(queue, id);
    if (!job) return;
    nodes.push(job);
    const deps = await job.getDependencies({ unprocessed: { count: 1000 } });
    for (const key of deps.unprocessed ?? []) await visit(key.slice(key.lastIndexOf(':') + 1));
  };
  await visit(rootId);
  return nodes;
}

export { DEFAULT_JOB_SUBMIT_RATE, type JobSubmitRate };

/** Jobs API: submit (cost-checked, idempotent), list, get, cancel, retry, change priority. */
export function jobRoutes(deps: JobRouteDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const auth = requireUser(deps);
  const capabilities = deps.capabilities ?? createCapabilities(deps.redis, deps.redisPrefix);
  // The edge entry leaves every new run to the outbox dispatcher and writes each submission alone.
  const submitTo = deps.submitThroughOutbox ? null : deps.queues;
  const batcher = createSubmitBatcher(deps.sql, submitTo, {
    emitter: deps.emitter,
    unbatched: deps.submitThroughOutbox,
  });
  const limitStarts = jobStartLimiter(deps);
  app.use('/api/v1/job-types', auth);
  app.use('/api/v1/projects/:id/jobs', auth);
  app.use('/api/v1/jobs', auth);
  app.use('/api/v1/jobs/*', auth);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/projects/{id}/jobs',
      tags: ['jobs'],
      summary: 'Start a job (render, frames, highlights, export…) after a cost check',
      security,
      request: {
        params: projectParams,
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
        body: { content: { 'application/json': { schema: createJobBodySchema } }, required: true },
      },
      responses: {
        202: {
          description: 'Queued (or the existing job for this idempotency key)',
          content: {
            'application/json': {
              schema: submittedJobSchema,
            },
          },
        },
        429: {
          description:
            'This member started more jobs than JOB_SUBMIT_RATE_PER_MEMBER allows per minute (submits and retries, all projects); Retry-After says when to try again',
          content: { 'application/json': { schema: errorBodySchema } },
        },
        402: {
          description:
            "The project's hard budget would be passed (details carry the figures), or a hard limit of its campaign (code `payment_required`, details `{ campaignId, limit: 'daily'|'total', until, limitUsd, committedUsd, estimateUsd, remainingUsd }`; `until` is the campaign's next local midnight for the daily limit); nothing was created",
          content: { 'application/json': { schema: errorBodySchema } },
        },
        503: {
          description:
            'No live worker runs this job type (code `capability_missing`, details name the type); nothing was created or reserved',
          content: { 'application/json': { schema: errorBodySchema } },
        },
        409: {
          description:
            'A final render (`render.video` with `final: true`, or any catalog type flagged `finalRender`) while the project or its campaign requires approvals and some scenes are not approved (details list them and `requiredBy`); an LMS export of a lesson render that has not completed; lecture clips from an analysis that has not completed',
          content: { 'application/json': { schema: errorBodySchema } },
        },
        422: {
          description:
            'A render the document cannot give: no scenes, an invalid scene or setting, too many scenes, or a scene or film past its length limit (estimated with the render timing rules); details name the scene and the limit. An LMS export whose `lessonJobId` is not a final lesson render of this project, or whose lesson was deleted. Lecture clips whose lecture is deleted or whose `analysisJobId` is not an analysis of that lecture.',
          content: { 'application/json': { schema: errorBodySchema } },
        },
        ...errors,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const userId = c.var.userId!;
      await limitStarts(userId);
      // Where a submit spends its time, for the caller (Server-Timing) and bench:jobs.
      const spans: string[] = [];
      const span = (name: string, ms: number) => spans.push(`${name};dur=${ms.toFixed(2)}`);
      const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
        const t = performance.now();
        try {
          return await fn();
        } finally {
          span(name, performance.now() - t);
        }
      };
      const key = c.req.valid('header')['idempotency-key'] ?? body.idempotencyKey;
      const parsed = jobPayloadSchemas[body.type].safeParse(body.params);
      // The common case (valid parameters, no idempotency key, no version to pin, a type a live
      // worker runs) goes through the batch path: one statement checks the role and the assets
      // and writes the row, one addBulk queues the flow, shared with whatever else arrived in
      // the same turn of the event loop. A project with a budget limit (its own or its campaign's)
      // falls through to the serialised path below, and so does a final render (gated on
      // approvals there) and anything the batch cannot decide.
      if (
        parsed.success &&
        !key &&
        !jobInputsOf(body.type) &&
        !isFinalRender(body.type, parsed.data) &&
        capabilities.runsNow(body.type)
      ) {
        const params = parsed.data as Record<string, unknown>;
        const batchStart = performance.now();
        try {
          const outcome = await batcher.submit(
            {
              projectId: id,
              userId,
              type: body.type,
              params,
              priority: body.priority,
              permission: 'jobs:create',
              assets: ASSET_FIELDS.flatMap((field) =>
                typeof params[field] === 'string' ? [{ field, id: params[field] as string }] : [],
              ),
            },
            span,
          );
          if (outcome.kind === 'not-member') throw notFound('Project');
          if (outcome.kind === 'forbidden') throw roleForbidden(outcome.role, 'jobs:create');
          if (outcome.kind === 'missing-asset')
            throw unprocessable(`${outcome.field} does not name an asset of this project.`, {
              field: outcome.field,
            });
          if (outcome.kind === 'queued') {
            c.header('Server-Timing', spans.join(', '));
            const r = outcome.result;
            return c.json({ job: r.job, warnings: r.warnings, budget: r.figures }, 202);
          }
        } catch (err) {
          if (err instanceof EnqueueFailedError) throw new HttpError(503, 'unavailable', err.message);
          throw err;
        }
        // Nothing was written; the time the batch took to say so is reported as one span.
        spans.length = 0;
        span('batch', performance.now() - batchStart);
      }
      await timed('authorize', () => authorizeProject(deps.sql, id, userId, 'jobs:create'));
      // Variants are rows of their own, made with their job: only their route starts them.
      if (body.type === 'render.variants')
        throw badRequest(
          `Start platform variants with POST /api/v1/projects/${id}/variants: it creates each variant with the job.`,
        );
      const payload = parsed;
      if (!payload.success)
        throw validationFailed(payload.error.issues, `Invalid parameters for ${body.type}.`);
      await timed('assets', () =>
        assertAssetsInProject(deps.sql, id, payload.data as Record<string, unknown>),
      );
      await assertSubmissionAllowed(deps.sql, id, body.type, payload.data);
      try {
        // A type no live worker runs is refused before anything is pinned, written or reserved.
        await timed('capability', () => capabilities.require(body.type));
        // A type that reads more than its payload (a render: the document as it is now) checks and
        // pins it here, before anything is written.
        const inputs = jobInputsOf(body.type);
        const prepared = inputs
          ? await timed('pin', () =>
              inputs.prepare(deps.sql, { projectId: id, userId, params: payload.data as never }),
            )
          : null;
        const result = await submitJob(
          deps.sql,
          submitTo,
          deps.emitter,
          {
            projectId: id,
            userId,
            type: body.type,
            // What prepare pinned into the payload (a render's brand kit) replaces what was sent.
            params: prepared?.params ?? (payload.data as Record<string, unknown>),
            priority: body.priority,
            idempotencyKey: key,
            ...(prepared
              ? { versionId: prepared.versionId, planInput: prepared.planInput, warnings: prepared.warnings }
              : {}),
            now: deps.now?.(),
          },
          span,
        );
        c.header('Server-Timing', spans.join(', '));
        if (result.replayed) c.header('Idempotent-Replayed', 'true');
        return c.json({ job: result.job, warnings: result.warnings, budget: result.figures }, 202);
      } catch (err) {
        throw submitRefusal(err);
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/projects/{id}/jobs',
      tags: ['jobs'],
      summary: "A project's jobs, newest first (filter by status and type)",
      security,
      request: { params: projectParams, query: listJobsQuerySchema },
      responses: {
        200: { description: 'A page of jobs', content: { 'application/json': { schema: jobPageSchema } } },
        ...errors,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      await authorizeProject(deps.sql, id, c.var.userId!, 'jobs:read');
      return c.json(await listJobs(deps.sql, deps.sql`j.project_id = ${id}`, q), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/jobs',
      tags: ['jobs'],
      summary: 'My job history across the projects I belong to',
      security,
      request: { query: listJobsQuerySchema },
      responses: {
        200: { description: 'A page of jobs', content: { 'application/json': { schema: jobPageSchema } } },
        ...errors,
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      // Only projects I am a member of (directly or through a campaign or client; guests see no
      // jobs) and that are not deleted.
      const mine = deps.sql`j.project_id in (
        select m.project_id from effective_project_roles m join projects p on p.id = m.project_id and p.deleted_at is null
        where m.user_id = ${c.var.userId!} and m.role <> 'guest')`;
      return c.json(await listJobs(deps.sql, mine, q), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/jobs/{jobId}',
      tags: ['jobs'],
      summary: 'A job: latest progress, steps, outputs, estimated vs actual cost, error',
      security,
      request: { params: jobParams },
      responses: {
        200: { description: 'The job', content: { 'application/json': { schema: jobDetailSchema } } },
        ...errors,
      },
    }),
    async (c) => {
      const row = await authorizeJob(deps.sql, c.req.valid('param').jobId, c.var.userId!, 'jobs:read');
      return c.json(await jobDetail(deps.sql, row), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/jobs/{jobId}/cancel',
      tags: ['jobs'],
      summary: 'Cancel a queued or running job (running steps are stopped within a second)',
      security,
      request: { params: jobParams },
      responses: {
        202: {
          description: 'Cancelling (or already cancelled)',
          content: { 'application/json': { schema: jobActionResponseSchema } },
        },
        409: {
          description: 'The job already finished',
          content: { 'application/json': { schema: errorBodySchema } },
        },
        ...errors,
      },
    }),
    async (c) => {
      const { jobId } = c.req.valid('param');
      const current = await authorizeJob(deps.sql, jobId, c.var.userId!, 'jobs:cancel');
      if (current.status === 'cancelled') return c.json({ job: rowToJob(current) }, 202);
      const row = await jobStore.requestCancel(deps.sql, jobId);
      if (!row) throw conflict(`The job already ${current.status}; there is nothing to cancel.`);
      await deps.sql`insert into audit_log (project_id, actor_id, action, target_type, target_id) values (${row.project_id}, ${c.var.userId!}, 'job.cancel', 'job', ${jobId})`;
      await publishCancel(deps.redis, jobId, deps.queues.prefix);
      // Remove what is still waiting. If any node is active (locked) BullMQ refuses, and the
      // worker running it ends the job as cancelled when its step aborts.
      const nodes = await flowNodes(deps.queues, row);
      const root = nodes[0];
      let removed = false;
      if (root) {
        const queue = deps.queues.queues[JOB_CATALOG[row.type as JobType].resourceClass];
        removed = await queue.remove(root.id!, { removeChildren: true }).then(
          (n) => n === 1,
          () => false,
        );
      }
      if (removed || nodes.length === 0)
        await finishJob(deps.sql, deps.emitter, jobId, { status: 'cancelled' });
      const [after] = await deps.sql<JobRow[]>`select * from jobs where id = ${jobId}`;
      const job = rowToJob(after!);
      announceJob(deps.emitter, 'job:updated', job);
      return c.json({ job }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/jobs/{jobId}/retry',
      tags: ['jobs'],
      summary: 'Run a failed or cancelled job again (finished steps are reused)',
      security,
      request: { params: jobParams },
      responses: {
        202: {
          description: 'Queued again',
          content: { 'application/json': { schema: jobActionResponseSchema } },
        },
        429: {
          description:
            'This member started more jobs than JOB_SUBMIT_RATE_PER_MEMBER allows per minute (submits and retries, all projects); Retry-After says when to try again',
          content: { 'application/json': { schema: errorBodySchema } },
        },
        402: {
          description: "The project's or its campaign's hard budget would be passed (details as at submit)",
          content: { 'application/json': { schema: errorBodySchema } },
        },
        409: {
          description: 'Only failed or cancelled jobs can be retried',
          content: { 'application/json': { schema: errorBodySchema } },
        },
        503: {
          description:
            'No live worker runs this job type now (`capability_missing`, naming it); nothing changed',
          content: { 'application/json': { schema: errorBodySchema } },
        },
        ...errors,
      },
    }),
    async (c) => {
      const { jobId } = c.req.valid('param');
      const row = await authorizeJob(deps.sql, jobId, c.var.userId!, 'jobs:create');
      await limitStarts(c.var.userId!);
      try {
        // As at submit: a type no live worker runs is refused before anything changes.
        await capabilities.require(row.type as JobType);
        // The same plan, estimate and budget lock as submit (the job service's retryJob).
        const { job } = await retryJob(deps.sql, submitTo, deps.emitter, {
          jobId,
          userId: c.var.userId!,
          now: deps.now?.(),
        });
        return c.json({ job }, 202);
      } catch (err) {
        if (err instanceof CapabilityMissingError)
          throw new HttpError(503, 'capability_missing', err.message, { type: err.type });
        if (err instanceof NotRetryableError) throw conflict(err.message);
        if (err instanceof BudgetExceededError || err instanceof CampaignBudgetExceededError)
          throw submitRefusal(err);
        if (err instanceof PlanUnavailableError) throw conflict(err.message);
        throw err;
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/jobs/{jobId}',
      tags: ['jobs'],
      summary: "Change a job's priority (1 most urgent); applies to steps still waiting",
      security,
      request: {
        params: jobParams,
        body: { content: { 'application/json': { schema: updateJobBodySchema } }, required: true },
      },
      responses: {
        200: {
          description: 'Updated',
          content: {
            'application/json': { schema: jobUpdatedResponseSchema },
          },
        },
        ...errors,
      },
    }),
    async (c) => {
      const { jobId } = c.req.valid('param');
      const { priority } = c.req.valid('json');
      const current = await authorizeJob(deps.sql, jobId, c.var.userId!, 'jobs:create');
      const row = await jobStore.setJobPriority(deps.sql, jobId, priority);
      let changed = 0;
      if (current.status === 'queued' || current.status === 'running') {
        for (const node of await flowNodes(deps.queues, row!)) {
          const state = await node.getState();
          if (
            state === 'waiting' ||
            state === 'prioritized' ||
            state === 'waiting-children' ||
            state === 'delayed'
          ) {
            await node.changePriority({ priority }).then(
              () => changed++,
              () => {},
            );
          }
        }
      }
      const job = rowToJob(row!);
      announceJob(deps.emitter, 'job:updated', job);
      return c.json({ job, stepsReprioritized: changed }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/job-types',
      tags: ['jobs'],
      summary:
        'The job catalog as this deployment runs it: which types some live worker runs now, and the measured work model per step',
      security,
      responses: {
        200: {
          description: 'Every catalog type, available or with the reason it is not',
          content: { 'application/json': { schema: jobTypesResponseSchema } },
        },
        ...errors,
      },
    }),
    async (c) => {
      const caps = await capabilities.get();
      const items = await Promise.all(
        JOB_TYPES.map(async (type) => {
          const def = JOB_CATALOG[type];
          const learned = await learnedWork(deps.sql, type);
          const work = Object.fromEntries(
            Object.entries(def.work).map(([kind, cold]) => {
              const m = learned[kind];
              return [kind, m ? { ...m } : { ...cold, samples: 0 }];
            }),
          );
          return {
            type,
            title: def.title,
            resourceClass: def.resourceClass,
            available: caps.runnable.has(type),
            reason: caps.missing.get(type) ?? null,
            work,
            usdPerSec: DEFAULT_RATES_USD_PER_SEC[def.resourceClass],
          };
        }),
      );
      return c.json({ items }, 200);
    },
  );

  return app;
}
