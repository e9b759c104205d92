import type { Sql } from '@clapboard/server/db';
import { loadDocument, readDocumentContent } from '@clapboard/server/documents';
import { emitProjectEvent, type JobEmitter } from '@clapboard/server/jobs';
import { createNotifications } from '@clapboard/server/notifications';
import {
  type ApprovalRow,
  assessApproval,
  hashSceneContent,
  sceneReviewContents,
} from '@clapboard/server/review';
import { API_PREFIX } from '@clapboard/shared/api';
import {
  approvalResponseSchema,
  createApprovalBodySchema,
  reviewSummarySchema,
} from '@clapboard/shared/review';
import { createRoute, z } from '@hono/zod-openapi';
import { authorizeProject } from '../auth/authorize-project';
import { type RequireUserDeps, requireUser } from '../auth/require-user';
import { notFound } from '../errors/http-error';
import { reviewSummary } from '../review/review-summary';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export interface ApprovalRouteDeps extends RequireUserDeps {
  sql: Sql;
  emitter?: JobEmitter;
}

/**
 * Per-scene decisions and the project's review summary. A decision stores the scene's content as
 * the server reads it from the stored document right now, and its hash; staleness is never stored,
 * it is recomputed on every read by hashing the scene's current content again.
 */
export function approvalRoutes(deps: ApprovalRouteDeps) {
  const auth = requireUser(deps);
  const { sql } = deps;
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/projects/{id}/review`,
        tags: ['review'],
        summary: 'Review summary: per scene approved / changes requested / stale / not reviewed',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: z.object({ id: z.string().uuid() }) },
        responses: { 200: json(reviewSummarySchema, 'Summary'), ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await authorizeProject(sql, id, c.var.userId!, 'comments:read');
        return c.json(await reviewSummary(sql, id), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: `${API_PREFIX}/projects/{id}/scenes/{sceneId}/approvals`,
        tags: ['review'],
        summary: 'Approve a scene or request changes (owners and reviewers), with a note',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: {
          params: z.object({ id: z.string().uuid(), sceneId: z.string().min(1).max(64) }),
          body: { required: true, content: { 'application/json': { schema: createApprovalBodySchema } } },
        },
        responses: {
          201: json(approvalResponseSchema, 'Decided'),
          ...errorsFor(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const { id, sceneId } = c.req.valid('param');
        const body = c.req.valid('json');
        const userId = c.var.userId!;
        await authorizeProject(sql, id, userId, 'approvals:write');
        const { doc } = await loadDocument(sql, id);
        const scene = (await sceneReviewContents(readDocumentContent(doc))).find(
          (s) => s.sceneId === sceneId,
        );
        doc.destroy();
        if (!scene) throw notFound('Scene');
        const [row] = await sql<ApprovalRow[]>`
          with a as (
            insert into approvals (project_id, scene_id, status, content_hash, content, note, reviewer_id)
            values (${id}, ${sceneId}, ${body.status}, ${hashSceneContent(scene.content)},
              ${sql.json(scene.content as never)}, ${body.note || null}, ${userId})
            returning *)
          select a.*, u.name as reviewer_name from a left join users u on u.id = a.reviewer_id`;
        const approval = assessApproval(row!, scene);
        if (deps.emitter)
          emitProjectEvent(deps.emitter, {
            projectId: id,
            type: 'approval:changed',
            payload: { sceneId, reason: 'decided', approvalId: approval.id },
            at: approval.createdAt,
          });
        // The people who make the film hear about decisions on it.
        const makers = await sql<{ user_id: string }[]>`
          select user_id from project_members where project_id = ${id} and role in ('owner', 'editor')`;
        await createNotifications(sql, deps.emitter, {
          userIds: makers.map((m) => m.user_id),
          kind: 'approval',
          projectId: id,
          payload: {
            sceneId,
            heading: scene.content.heading,
            status: body.status,
            actor: approval.reviewer?.name,
            note: body.note ?? null,
          },
          actorId: userId,
        });
        return c.json({ approval }, 201);
      },
    );
}
