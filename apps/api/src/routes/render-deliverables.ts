import type { Sql } from '@clapboard/server/db';
import { loadRenderDeliverableSource } from '@clapboard/server/deliverables';
import type { JobRow } from '@clapboard/server/jobs';
import type { BlobStore } from '@clapboard/server/storage';
import { API_PREFIX } from '@clapboard/shared/api';
import {
  buildRenderDeliverable,
  RENDER_DELIVERABLES,
  renderDeliverableKindSchema,
  renderDeliverableQuerySchema,
} from '@clapboard/shared/deliverables';
import { createRoute, z } from '@hono/zod-openapi';
import { authorizeProject } from '../auth/authorize-project';
import { type RequireUserDeps, requireUser } from '../auth/require-user';
import { conflict, notFound, validationFailed } from '../errors/http-error';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';

const params = z.object({
  id: z.string().uuid(),
  jobId: z.string().uuid(),
  kind: renderDeliverableKindSchema,
});

/**
 * Deliverables of a finished render, built on request: its subtitles (SRT, WebVTT) and edit
 * decision lists of its scenes with the review comments as markers (CMX3600 EDL, OpenTimelineIO,
 * FCPXML). Anyone who may see the project's jobs may download them.
 */
export function renderDeliverableRoutes(deps: RequireUserDeps & { sql: Sql; blobStore: BlobStore }) {
  const { sql } = deps;
  const router = createRouter();
  // Documented as `…/export.{kind}` (the contract's `export.srt`, `export.edl`…) and registered by
  // hand: @hono/zod-openapi only turns whole `/{param}` segments into Hono parameters, and Hono's
  // trie router matches a parameter inside a segment only as a whole-segment pattern. Parameters and
  // query are validated with the same schemas, as `openapi()` would.
  router.openAPIRegistry.registerPath(
    createRoute({
      method: 'get',
      path: `${API_PREFIX}/projects/{id}/renders/{jobId}/export.{kind}`,
      tags: ['jobs'],
      summary: 'A deliverable of a completed render: srt, vtt, edl, otio or fcpxml',
      description:
        'Subtitles are the files the render wrote. EDL, OTIO and FCPXML place one clip per scene of the render at frame-exact times, with review comments as markers; `fps` (24, 25 or 29.97 drop-frame) sets their timeline rate, default the render’s own. 409 while the render is not completed.',
      security: bearerSecurity,
      request: { params, query: renderDeliverableQuerySchema },
      responses: {
        200: {
          description: 'The file, as an attachment',
          content: Object.fromEntries(
            Object.values(RENDER_DELIVERABLES).map((d) => [
              d.contentType.split(';')[0]!,
              { schema: z.string() },
            ]),
          ),
        },
        ...errorsFor(400, 401, 403, 404, 409),
      },
    }),
  );
  router.get(
    `${API_PREFIX}/projects/:id/renders/:jobId/:file{export\\.[a-z]+}`,
    requireUser(deps),
    async (c) => {
      const { file: fileName, ...rest } = c.req.param();
      const param = params.safeParse({ ...rest, kind: fileName.slice('export.'.length) });
      if (!param.success) throw validationFailed(param.error.issues);
      const query = renderDeliverableQuerySchema.safeParse(c.req.query());
      if (!query.success) throw validationFailed(query.error.issues);
      const { id, jobId, kind } = param.data;
      const { fps } = query.data;
      await authorizeProject(sql, id, c.var.userId!, 'jobs:read');
      const [job] = await sql<Pick<JobRow, 'id' | 'project_id' | 'type' | 'status' | 'outputs'>[]>`
        select id, project_id, type, status, outputs from jobs where id = ${jobId} and project_id = ${id}`;
      if (job?.type !== 'render.video') throw notFound('Render');
      if (job.status !== 'completed')
        throw conflict(`This render is ${job.status}; its deliverables exist once it has completed.`, {
          status: job.status,
        });
      const source = await loadRenderDeliverableSource(sql, deps.blobStore, job);
      if ((kind === 'srt' || kind === 'vtt') && source.subtitles[kind] === null) throw notFound('Subtitles');
      const file = buildRenderDeliverable(source, kind, fps);
      return c.body(file.body, 200, {
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${file.fileName}"`,
      });
    },
  );
  return router;
}
