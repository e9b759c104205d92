import type { Sql } from '@clapboard/server/db';
import type { BlobStore } from '@clapboard/server/storage';
import { API_PREFIX } from '@clapboard/shared/api';
import { createRoute, z } from '@hono/zod-openapi';
import { loadFrameImages } from '../assets/load-frame-images';
import { authorizeProject } from '../auth/authorize-project';
import { type RequireUserDeps, requireUser } from '../auth/require-user';
import { loadMediaFrames } from '../review/media-frames';
import { reviewCsv } from '../review/review-csv';
import { loadReviewFeedback } from '../review/review-feedback';
import { reviewPdf } from '../review/review-pdf';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';

const params = z.object({ id: z.string().uuid() });
const safeName = (name: string) => name.replace(/[^\w.-]+/g, '-').slice(0, 80) || 'project';

/**
 * Review feedback exports: CSV of every comment with its scene's status, and a PDF report with
 * frames, statuses and threads (video comments with the still of their moment and their drawing).
 * Both are built on request from the current state.
 */
export function reviewExportRoutes(deps: RequireUserDeps & { sql: Sql; blobStore: BlobStore }) {
  const auth = requireUser(deps);
  const { sql } = deps;
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/projects/{id}/review/export.csv`,
        tags: ['review'],
        summary: 'Review feedback as CSV',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params },
        responses: {
          200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
          ...errorsFor(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await authorizeProject(sql, id, c.var.userId!, 'exports:create');
        const feedback = await loadReviewFeedback(sql, id);
        return c.body(reviewCsv(feedback), 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${safeName(feedback.projectName)}-review.csv"`,
        });
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/projects/{id}/review/report.pdf`,
        tags: ['review'],
        summary: 'Review report as PDF: frames, statuses, comments',
        description:
          "Video comments carry the frame at their start time (from the render's video or the uploaded video, at most 100 per report) with their drawing over it; a video that is gone or unreadable gets a line saying so instead.",
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params },
        responses: {
          200: { description: 'PDF', content: { 'application/pdf': { schema: z.string() } } },
          ...errorsFor(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await authorizeProject(sql, id, c.var.userId!, 'exports:create');
        const feedback = await loadReviewFeedback(sql, id);
        const withFrames = new Map(
          feedback.summary.scenes.flatMap((s) =>
            s.frameAssetId ? [[s.sceneId, s.frameAssetId] as const] : [],
          ),
        );
        const pdf = await reviewPdf(
          feedback,
          await loadFrameImages(sql, deps.blobStore, id, withFrames),
          await loadMediaFrames(sql, deps.blobStore, id, feedback.comments),
        );
        return c.body(new Uint8Array(pdf), 200, {
          'content-type': 'application/pdf',
          'content-disposition': `attachment; filename="${safeName(feedback.projectName)}-review.pdf"`,
        });
      },
    );
}
