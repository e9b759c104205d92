import type { Sql } from '@clapboard/server/db';
import { findLessonRender, LessonRenderError } from '@clapboard/server/lessons';
import { API_PREFIX } from '@clapboard/shared/api';
import { escapeHtml } from '@clapboard/shared/comment-markup';
import {
  createLessonShareBodySchema,
  type LessonShare,
  lessonShareListSchema,
  lessonShareSchema,
} from '@clapboard/shared/lessons';
import { createRoute, z } from '@hono/zod-openapi';
import { writeAudit } from '../audit/write-audit';
import { authorizeProject } from '../auth/authorize-project';
import { type RequireUserDeps, requireUser } from '../auth/require-user';
import { conflict, notFound, unprocessable } from '../errors/http-error';
import { newShareToken, shareTokenHash } from '../lessons/share-token';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';

export interface LessonShareRouteDeps extends RequireUserDeps {
  sql: Sql;
  /** Public origin the share links are made on (e.g. https://studio.example.org). */
  publicUrl: string;
}

interface ShareRow {
  id: string;
  lesson_id: string;
  job_id: string;
  expires_at: Date;
  created_by: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const lessonParams = z.object({ id: z.string().uuid() });
const shareParams = z.object({ shareId: z.string().uuid() });

/** The address of a share's player page. */
export function shareUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/embed/${token}`;
}

/** The `<iframe>` snippet for a share's player page (16:9, responsive up to 960 px wide). */
export function embedSnippet(url: string, title: string): string {
  return `<iframe src="${escapeHtml(url)}" title="${escapeHtml(title)}" width="960" height="600" style="border:0;max-width:100%" allow="fullscreen; picture-in-picture" allowfullscreen referrerpolicy="no-referrer" loading="lazy"></iframe>`;
}

const toShare = (r: ShareRow, link: { url: string; embedHtml: string } | null): LessonShare => ({
  id: r.id,
  lessonId: r.lesson_id,
  jobId: r.job_id,
  url: link?.url ?? null,
  embedHtml: link?.embedHtml ?? null,
  expiresAt: r.expires_at.toISOString(),
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

/** The live lesson's project and title; 404 when it does not exist or was deleted. */
async function liveLesson(sql: Sql, lessonId: string) {
  const [row] = await sql<{ project_id: string; title: string }[]>`
    select project_id, title from lessons where id = ${lessonId} and deleted_at is null`;
  if (!row) throw notFound('Lesson');
  return row;
}

const create = createRoute({
  method: 'post',
  path: `${API_PREFIX}/lessons/{id}/shares`,
  tags: ['lessons'],
  summary: 'Share a finished lesson render: a public player link and an iframe snippet, until it expires',
  description:
    'The token in `url` and `embedHtml` is shown only in this answer; only its SHA-256 is stored. `jobId` must be a completed final `portrait.lesson` render of this lesson.',
  security: bearerSecurity,
  request: {
    params: lessonParams,
    body: { content: { 'application/json': { schema: createLessonShareBodySchema } }, required: true },
  },
  responses: {
    201: json(lessonShareSchema, 'The share, with its link (shown once)'),
    ...errorsFor(400, 401, 403, 404, 409, 422),
  },
});

const list = createRoute({
  method: 'get',
  path: `${API_PREFIX}/lessons/{id}/shares`,
  tags: ['lessons'],
  summary: "A lesson's share links, newest first (links are not shown again: `url` is null)",
  security: bearerSecurity,
  request: { params: lessonParams },
  responses: {
    200: json(lessonShareListSchema, 'The shares, expired and revoked ones included'),
    ...errorsFor(401, 403, 404),
  },
});

const revoke = createRoute({
  method: 'delete',
  path: `${API_PREFIX}/shares/{shareId}`,
  tags: ['lessons'],
  summary: 'Revoke a share link: it stops working at once',
  security: bearerSecurity,
  request: { params: shareParams },
  responses: { 204: { description: 'Revoked (revoking twice is fine)' }, ...errorsFor(401, 403, 404) },
});

/** Share links of lessons: create (owners and editors), list (members), revoke. */
export function lessonShareRoutes(deps: LessonShareRouteDeps) {
  const { sql } = deps;
  const router = createRouter();
  const auth = requireUser(deps);
  router.use(`${API_PREFIX}/lessons/:id/shares`, auth);
  router.use(`${API_PREFIX}/shares/:shareId`, auth);

  router.openapi(create, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const userId = c.var.userId!;
    const lesson = await liveLesson(sql, id);
    await authorizeProject(sql, lesson.project_id, userId, 'shares:manage');
    try {
      await findLessonRender(sql, { projectId: lesson.project_id, jobId: body.jobId, lessonId: id });
    } catch (err) {
      if (err instanceof LessonRenderError)
        throw err.kind === 'not-ready' ? conflict(err.message) : unprocessable(err.message);
      throw err;
    }
    const token = newShareToken();
    const hash = Buffer.from(await shareTokenHash(token));
    const [row] = await sql<ShareRow[]>`
      insert into lesson_shares (project_id, lesson_id, job_id, token_sha256, expires_at, created_by)
      values (${lesson.project_id}, ${id}, ${body.jobId}, ${hash},
              now() + make_interval(hours => ${body.expiresInHours}), ${userId})
      returning id, lesson_id, job_id, expires_at, created_by, created_at, revoked_at`;
    await writeAudit(sql, {
      projectId: lesson.project_id,
      actorId: userId,
      action: 'share.create',
      targetType: 'lesson_share',
      targetId: row!.id,
      details: { lessonId: id, jobId: body.jobId, expiresAt: row!.expires_at.toISOString() },
    });
    const url = shareUrl(deps.publicUrl, token);
    return c.json(toShare(row!, { url, embedHtml: embedSnippet(url, lesson.title) }), 201);
  });

  router.openapi(list, async (c) => {
    const { id } = c.req.valid('param');
    const lesson = await liveLesson(sql, id);
    await authorizeProject(sql, lesson.project_id, c.var.userId!, 'project:read');
    const rows = await sql<ShareRow[]>`
      select id, lesson_id, job_id, expires_at, created_by, created_at, revoked_at from lesson_shares
      where lesson_id = ${id} order by created_at desc, id desc limit 200`;
    return c.json({ items: rows.map((r) => toShare(r, null)) }, 200);
  });

  router.openapi(revoke, async (c) => {
    const { shareId } = c.req.valid('param');
    const userId = c.var.userId!;
    const [share] = await sql<{ project_id: string }[]>`
      select project_id from lesson_shares where id = ${shareId}`;
    if (!share) throw notFound('Share');
    await authorizeProject(sql, share.project_id, userId, 'shares:manage');
    const [row] = await sql<{ id: string }[]>`
      update lesson_shares set revoked_at = now() where id = ${shareId} and revoked_at is null returning id`;
    if (row)
      await writeAudit(sql, {
        projectId: share.project_id,
        actorId: userId,
        action: 'share.revoke',
        targetType: 'lesson_share',
        targetId: shareId,
      });
    return c.body(null, 204);
  });

  return router;
}
