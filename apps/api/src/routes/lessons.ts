import type { Sql } from '@clapboard/server/db';
import { emitProjectEvent } from '@clapboard/server/jobs';
import { API_PREFIX, projectParamsSchema } from '@clapboard/shared/api';
import {
  createLessonBodySchema,
  type Lesson,
  lessonPageSchema,
  lessonSchema,
  listLessonsQuerySchema,
  updateLessonBodySchema,
} from '@clapboard/shared/lessons';
import type { Permission } from '@clapboard/shared/permissions';
import { createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../app';
import { writeAudit } from '../audit/write-audit';
import { authorizeProject } from '../auth/authorize-project';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { requireUser } from '../auth/require-user';
import { HttpError, notFound } from '../errors/http-error';
import { type LessonRow, lessonColumns, toLesson } from '../lessons/lesson-view';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { renameTitled, softDeleteTitled } from '../projects/titled-resources';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';

const lessonParams = z.object({ lessonId: z.string().uuid() });
const lessonJson = { 'application/json': { schema: lessonSchema } };
const projectLessons = `${API_PREFIX}/projects/{id}/lessons`;
const oneLesson = `${API_PREFIX}/lessons/{lessonId}`;

export type LessonRouteDeps = Pick<
  AppDeps,
  'sql' | 'jwtSecret' | 'redis' | 'redisPrefix' | 'revocations' | 'emitter' | 'peerAddress' | 'trustProxy'
>;

/** The live lesson `lessonId` and the caller's check on its project; strangers get 404. */
async function authorizeLesson(sql: Sql, lessonId: string, userId: string, permission: Permission) {
  const [row] = await sql<LessonRow[]>`
    select ${lessonColumns(sql)} from lessons l where l.id = ${lessonId} and l.deleted_at is null`;
  if (!row) throw notFound('Lesson');
  try {
    await authorizeProject(sql, row.project_id, userId, permission);
  } catch (err) {
    // A lesson of a project the caller cannot see does not exist for them.
    if (err instanceof HttpError && err.status === 404) throw notFound('Lesson');
    throw err;
  }
  return row;
}

/**
 * Lessons: identity rows (title, who made it, deleted or not). Their content (sections, portrait,
 * voice, wizard step) lives in the project's Y.Doc under `lessons` → lesson id, written by the web
 * app. Each change is audited and broadcast (`lesson:created|updated|deleted` on `project:<id>`)
 * so open studios follow. DELETE is a soft delete and leaves the lesson's Y.Map in the document:
 * renders and shares pinned to it keep their history, and the web app lists lessons from the API,
 * so the orphaned map is never shown.
 */
export function lessonRoutes(deps: LessonRouteDeps) {
  const { sql } = deps;
  const ipOf = (c: Parameters<typeof clientIp>[0]) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);
  const emit = (name: 'lesson:created' | 'lesson:updated' | 'lesson:deleted', lesson: Lesson) =>
    deps.emitter &&
    emitProjectEvent(deps.emitter, {
      projectId: lesson.projectId,
      type: name,
      payload: { lesson },
      at: new Date().toISOString(),
    });
  const auth = requireUser(deps);

  return createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: projectLessons,
        tags: ['lessons'],
        summary: 'Create a lesson (owners, editors); its content is then written in the project document',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: {
          params: projectParamsSchema,
          body: { required: true, content: { 'application/json': { schema: createLessonBodySchema } } },
        },
        responses: { 201: { description: 'Created', content: lessonJson }, ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { title } = c.req.valid('json');
        const userId = currentUserId(c);
        await authorizeProject(sql, id, userId, 'lessons:write');
        const row = await sql.begin(async (tx) => {
          const [r] = await tx<LessonRow[]>`
            with l as (
              insert into lessons (project_id, title, created_by) values (${id}, ${title}, ${userId})
              returning *)
            select ${lessonColumns(sql)} from l`;
          await writeAudit(tx, {
            projectId: id,
            actorId: userId,
            action: 'lesson.create',
            targetType: 'lesson',
            targetId: r!.id,
            details: { title },
            ip: ipOf(c),
          });
          return r!;
        });
        const lesson = toLesson(row);
        emit('lesson:created', lesson);
        return c.json(lesson, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: projectLessons,
        tags: ['lessons'],
        summary: "A project's lessons, newest first (cursor paginated)",
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: projectParamsSchema, query: listLessonsQuerySchema },
        responses: {
          200: {
            description: 'A page of lessons',
            content: { 'application/json': { schema: lessonPageSchema } },
          },
          ...errorsFor(400, 401, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { limit, cursor: raw } = c.req.valid('query');
        await authorizeProject(sql, id, currentUserId(c), 'project:read');
        const after = decodeCursor(raw);
        // Keyset over (created_at, id) at Postgres' full precision (see pagination/cursor.ts).
        const rows = await sql<LessonRow[]>`
          select ${lessonColumns(sql)} from lessons l
          where l.project_id = ${id} and l.deleted_at is null
            ${after ? sql`and (l.created_at, l.id) < (${after.createdAt}::text::timestamptz, ${after.id}::uuid)` : sql``}
          order by l.created_at desc, l.id desc
          limit ${limit + 1}`;
        const items = rows.slice(0, limit);
        const last = items.at(-1);
        const nextCursor =
          rows.length > limit && last ? encodeCursor({ createdAt: last.cursor_ts, id: last.id }) : null;
        return c.json({ items: items.map(toLesson), nextCursor }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: oneLesson,
        tags: ['lessons'],
        summary: 'One lesson (identity; the content is in the project document)',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: lessonParams },
        responses: { 200: { description: 'The lesson', content: lessonJson }, ...errorsFor(400, 401, 404) },
      }),
      async (c) => {
        const row = await authorizeLesson(
          sql,
          c.req.valid('param').lessonId,
          currentUserId(c),
          'project:read',
        );
        return c.json(toLesson(row), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: oneLesson,
        tags: ['lessons'],
        summary: 'Rename a lesson (owners, editors)',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: {
          params: lessonParams,
          body: { required: true, content: { 'application/json': { schema: updateLessonBodySchema } } },
        },
        responses: { 200: { description: 'Renamed', content: lessonJson }, ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { lessonId } = c.req.valid('param');
        const { title } = c.req.valid('json');
        const userId = currentUserId(c);
        const before = await authorizeLesson(sql, lessonId, userId, 'lessons:write');
        const row = await renameTitled<LessonRow>(sql, {
          table: 'lessons',
          id: lessonId,
          title,
          before: before.title,
          label: 'Lesson',
          columns: lessonColumns,
          audit: { actorId: userId, action: 'lesson.rename', targetType: 'lesson', ip: ipOf(c) },
        });
        const lesson = toLesson(row);
        emit('lesson:updated', lesson);
        return c.json(lesson, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: oneLesson,
        tags: ['lessons'],
        summary:
          'Delete a lesson (owners, editors; soft delete, audited): it leaves every list and open studios drop it',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: lessonParams },
        responses: { 204: { description: 'Deleted' }, ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { lessonId } = c.req.valid('param');
        const userId = currentUserId(c);
        const row = await authorizeLesson(sql, lessonId, userId, 'lessons:write');
        await softDeleteTitled(sql, {
          table: 'lessons',
          id: lessonId,
          projectId: row.project_id,
          title: row.title,
          label: 'Lesson',
          audit: { actorId: userId, action: 'lesson.delete', targetType: 'lesson', ip: ipOf(c) },
        });
        emit('lesson:deleted', toLesson(row));
        return c.body(null, 204);
      },
    );
}
