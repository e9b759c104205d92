import { insertVariants } from '@clapboard/server/campaigns';
import type { Sql } from '@clapboard/server/db';
import {
  type Capabilities,
  createCapabilities,
  emitVariantChanged,
  type JobEmitter,
  type JobQueues,
  jobInputsOf,
  submitJob,
} from '@clapboard/server/jobs';
import type { Redis } from '@clapboard/server/redis';
import {
  createVariantRenderBodySchema,
  type RenderVariantsPayload,
  renderVariantsPayloadSchema,
  resolveVariant,
} from '@clapboard/shared/campaigns';
import { errorBodySchema } from '@clapboard/shared/errors';
import { submittedVariantRenderSchema } from '@clapboard/shared/jobs';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { authorizeProject } from '../auth/authorize-project';
import type { LimitStore } from '../auth/limit-store';
import type { JobSubmitRate } from '../auth/rate-limit';
import { requireUser } from '../auth/require-user';
import { assertFinalRenderAllowed } from '../review/assert-final-render-allowed';
import { toVariant, type VariantRow, variantColumns } from '../variants/variant-view';
import { DEFAULT_ASSET_URL_TTL_SEC } from './assets';
import { errorsFor } from './error-responses';
import { jobStartLimiter, submitRefusal } from './job-submission';

export interface VariantRenderRouteDeps {
  sql: Sql;
  jwtSecret: string;
  /** For the variants' signed download links. */
  publicUrl: string;
  assetUrlTtlSec?: number;
  redis: Redis;
  queues: JobQueues;
  /** New runs are left to the outbox dispatcher instead of queued by the request (the edge entry). */
  submitThroughOutbox?: boolean;
  emitter?: JobEmitter;
  redisPrefix?: string;
  /** Which job types live workers run; default read from their reports in Redis. */
  capabilities?: Capabilities;
  limitStore?: LimitStore;
  jobSubmitRate?: Partial<JobSubmitRate>;
}

const params = z.object({ id: z.string().uuid() });
const json = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorBodySchema } },
});

/**
 * `POST /projects/{id}/variants`: the storyboard rendered as a matrix of platform variants (1–6
 * presets or custom aspect and length) in one `render.variants` job. The variants' rows are written
 * with the job in one transaction, after the same checks as a render (the document pinned and
 * bounded, the campaign's brand kit pinned, the budget, the approvals a final render waits for,
 * idempotency by key); the job's end settles them (`settleVariants`).
 */
export function variantRenderRoutes(deps: VariantRenderRouteDeps) {
  const app = new OpenAPIHono<AppEnv>();
  const capabilities = deps.capabilities ?? createCapabilities(deps.redis, deps.redisPrefix);
  const submitTo = deps.submitThroughOutbox ? null : deps.queues;
  const limitStarts = jobStartLimiter(deps);
  app.use('/api/v1/projects/:id/variants', requireUser(deps));
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/projects/{id}/variants',
      tags: ['variants'],
      summary: 'Render platform variants of the storyboard (a preset matrix) in one job',
      description:
        "Needs `jobs:create` on the project (owner, editor). Each spec is a preset (`vertical-15`, `vertical-30`, `square-30`, `portrait-30`, `landscape-60`) or `custom` with a name, aspect and length; keys must be unique. The storyboard is fitted into each length (docs/variants.md); the campaign's brand kit is applied and recorded on every variant.",
      security: [{ bearerAuth: [] }],
      request: {
        params,
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
        body: { content: { 'application/json': { schema: createVariantRenderBodySchema } }, required: true },
      },
      responses: {
        202: {
          description:
            'Queued: the job and its variants (status `rendering`); or, for a repeated idempotency key, that job and its variants as they are now',
          content: { 'application/json': { schema: submittedVariantRenderSchema } },
        },
        402: json('The hard budget would be passed; details carry the figures'),
        409: json(
          'A final render while the project needs approvals and some scenes are not approved (details list them)',
        ),
        422: json(
          'The storyboard cannot be rendered: no scenes, an invalid scene, or past a length bound (details name it)',
        ),
        503: json('No live worker renders variants (`capability_missing`); nothing was created'),
        ...errorsFor(400, 401, 403, 404, 429),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const userId = c.var.userId!;
      await authorizeProject(deps.sql, id, userId, 'jobs:create');
      await limitStarts(userId);
      if (body.final) await assertFinalRenderAllowed(deps.sql, id);
      const entries = body.variants.map((spec) => ({
        variantId: crypto.randomUUID(),
        ...resolveVariant(spec),
      }));
      const payload: RenderVariantsPayload = renderVariantsPayloadSchema.parse({
        variants: entries,
        resolution: body.resolution,
        burnSubtitles: body.burnSubtitles,
        final: body.final,
      });
      try {
        await capabilities.require('render.variants');
        // The document as it is now and the campaign's brand kit, pinned before anything is written.
        const prepared = await jobInputsOf('render.variants')!.prepare(deps.sql, {
          projectId: id,
          userId,
          params: payload as never,
        });
        const pinned = (prepared.params ?? payload) as RenderVariantsPayload;
        const result = await submitJob(deps.sql, submitTo, deps.emitter, {
          projectId: id,
          userId,
          type: 'render.variants',
          params: pinned,
          idempotencyKey: c.req.valid('header')['idempotency-key'],
          versionId: prepared.versionId,
          planInput: prepared.planInput,
          warnings: prepared.warnings,
          // The variants exist exactly when their job does.
          onInserted: async (tx, row) => {
            await insertVariants(tx, {
              projectId: id,
              jobId: row.id,
              userId,
              variants: entries,
              brand: pinned.brand,
            });
          },
        });
        if (result.replayed) c.header('Idempotent-Replayed', 'true');
        const order = ((result.job.params.variants ?? []) as Array<{ key: string }>).map((v) => v.key);
        const rows = await deps.sql<
          VariantRow[]
        >`select ${variantColumns(deps.sql)} where v.job_id = ${result.job.id}`;
        const urls = {
          secret: deps.jwtSecret,
          publicUrl: deps.publicUrl,
          ttlSec: deps.assetUrlTtlSec ?? DEFAULT_ASSET_URL_TTL_SEC,
        };
        const variants = (await Promise.all(rows.map((r) => toVariant(r, urls)))).sort(
          (a, b) => order.indexOf(a.key) - order.indexOf(b.key),
        );
        // The new cards appear for everyone watching, the client's guests included.
        if (deps.emitter && !result.replayed)
          emitVariantChanged(
            deps.emitter,
            id,
            rows.map((r) => r.id),
            'created',
            true,
          );
        return c.json({ job: result.job, variants, warnings: result.warnings, budget: result.figures }, 202);
      } catch (err) {
        throw submitRefusal(err);
      }
    },
  );
  return app;
}
