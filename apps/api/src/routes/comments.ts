import type { Sql } from '@clapboard/server/db';
import { loadDocument, readDocumentContent } from '@clapboard/server/documents';
import { emitProjectEvent, type JobEmitter } from '@clapboard/server/jobs';
import { createNotifications } from '@clapboard/server/notifications';
import { encodeScriptAnchor, isRelativePosition, sceneReviewContents } from '@clapboard/server/review';
import { API_PREFIX } from '@clapboard/shared/api';
import { commentPlainText, mentionedUserIds } from '@clapboard/shared/comment-markup';
import { can } from '@clapboard/shared/permissions';
import {
  type Comment,
  type CommentAnchorInput,
  commentListSchema,
  commentResponseSchema,
  createCommentBodySchema,
  listCommentsQuerySchema,
  updateCommentBodySchema,
} from '@clapboard/shared/review';
import type { Role } from '@clapboard/shared/roles';
import { createRoute, z } from '@hono/zod-openapi';
import type * as Y from 'yjs';
import { authorizeProject } from '../auth/authorize-project';
import { type RequireUserDeps, requireUser } from '../auth/require-user';
import { forbidden, HttpError, notFound, unprocessable } from '../errors/http-error';
import { COMMENT_COLUMNS, type CommentRow, toComment } from '../review/comment-view';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';

const projectParams = z.object({ id: z.string().uuid() });
const commentParams = z.object({ commentId: z.string().uuid() });
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export interface CommentRouteDeps extends RequireUserDeps {
  sql: Sql;
  emitter?: JobEmitter;
}

type StoredAnchor = Record<string, unknown> & { kind: string; sceneId?: string };

/**
 * Checks an anchor against the project and turns it into what is stored: a scene must be a live
 * scene of the document, a script range becomes two Yjs relative positions (computed here from
 * offsets when the client sent none), a media anchor must name a job or asset of this project.
 * Anything that does not fit is 422.
 */
async function storedAnchor(
  sql: Sql,
  projectId: string,
  anchor: CommentAnchorInput,
  doc: () => Promise<Y.Doc>,
): Promise<StoredAnchor> {
  if ('sceneId' in anchor && anchor.sceneId !== undefined) {
    const scenes = await sceneReviewContents(readDocumentContent(await doc()));
    if (!scenes.some((s) => s.sceneId === anchor.sceneId))
      throw unprocessable('The anchor names a scene this project does not have.', {
        sceneId: anchor.sceneId,
      });
  }
  switch (anchor.kind) {
    case 'project':
    case 'scene':
      return anchor;
    case 'script': {
      if (anchor.start && anchor.end) {
        if (!isRelativePosition(anchor.start) || !isRelativePosition(anchor.end))
          throw unprocessable('The script anchor is not a Yjs relative position.');
        return { kind: 'script', sceneId: anchor.sceneId, start: anchor.start, end: anchor.end };
      }
      return {
        kind: 'script',
        sceneId: anchor.sceneId,
        ...encodeScriptAnchor(await doc(), anchor.from, anchor.to),
      };
    }
    case 'media': {
      if (anchor.jobId) {
        const [job] = await sql`select 1 from jobs where id = ${anchor.jobId} and project_id = ${projectId}`;
        if (!job) throw unprocessable('jobId does not name a job of this project.', { field: 'jobId' });
      }
      if (anchor.assetId) {
        const [asset] = await sql`
          select 1 from assets where id = ${anchor.assetId} and project_id = ${projectId} and deleted_at is null`;
        if (!asset)
          throw unprocessable('assetId does not name an asset of this project.', { field: 'assetId' });
      }
      return anchor;
    }
  }
}

/** Mentions must name members of the project; anyone else is refused with the offending ids. */
async function assertMentionsAreMembers(sql: Sql, projectId: string, body: string): Promise<string[]> {
  const ids = mentionedUserIds(body);
  if (ids.length === 0) return [];
  const rows = await sql<{ user_id: string }[]>`
    select user_id from project_members where project_id = ${projectId} and user_id in ${sql(ids)}`;
  const members = new Set(rows.map((r) => r.user_id));
  const strangers = ids.filter((id) => !members.has(id));
  if (strangers.length > 0)
    throw unprocessable('Only members of this project can be mentioned.', { userIds: strangers });
  return ids;
}

async function findComment(sql: Sql, commentId: string): Promise<CommentRow | undefined> {
  const [row] = await sql<CommentRow[]>`
    select ${sql.unsafe(COMMENT_COLUMNS)} from comments c left join users u on u.id = c.author_id
    where c.id = ${commentId}`;
  return row;
}

/**
 * Comments: threads (one level of replies) anchored to the project, a scene, a script range or a
 * time range of a render, with @mentions of members, resolve/reopen, edit (author) and delete
 * (author, or an owner moderating). Every change is broadcast as `comment:*` on `project:<id>`;
 * mentions and replies land in the recipients' inboxes.
 */
export function commentRoutes(deps: CommentRouteDeps) {
  const auth = requireUser(deps);
  const { sql } = deps;
  const emit = (name: 'comment:created' | 'comment:updated' | 'comment:deleted', comment: Comment) =>
    deps.emitter &&
    emitProjectEvent(deps.emitter, {
      projectId: comment.projectId,
      type: name,
      payload: { comment },
      at: new Date().toISOString(),
    });
  /** A comment the caller may see (404 otherwise, so ids of other projects never leak). */
  const visibleComment = async (
    commentId: string,
    userId: string,
    permission: 'comments:read' | 'comments:write',
  ) => {
    const row = await findComment(sql, commentId);
    if (!row) throw notFound('Comment');
    const role = await authorizeProject(sql, row.project_id, userId, permission).catch((err: unknown) => {
      // A stranger learns nothing about the comment; a member without the permission gets the 403.
      if (err instanceof HttpError && err.status === 404) throw notFound('Comment');
      throw err;
    });
    return { row, role };
  };
  const view = async (row: CommentRow) =>
    toComment(row, row.anchor.kind === 'script' ? (await loadDocument(sql, row.project_id)).doc : null);

  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/projects/{id}/comments`,
        tags: ['review'],
        summary: 'Comments of a project (oldest first), optionally of one scene, anchor kind or render',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: projectParams, query: listCommentsQuerySchema },
        responses: {
          200: json(commentListSchema, 'Comments'),
          ...errorsFor(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const q = c.req.valid('query');
        await authorizeProject(sql, id, c.var.userId!, 'comments:read');
        const rows = await sql<CommentRow[]>`
          select ${sql.unsafe(COMMENT_COLUMNS)} from comments c left join users u on u.id = c.author_id
          where c.project_id = ${id}
            ${q.sceneId ? sql`and c.scene_id = ${q.sceneId}` : sql``}
            ${q.kind ? sql`and c.anchor->>'kind' = ${q.kind}` : sql``}
            ${q.jobId ? sql`and c.anchor->>'jobId' = ${q.jobId}` : sql``}
            ${q.assetId ? sql`and c.anchor->>'assetId' = ${q.assetId}` : sql``}
          order by c.created_at, c.id
          limit 2000`;
        // One document load for all script anchors of the page.
        const doc = rows.some((r) => r.anchor.kind === 'script') ? (await loadDocument(sql, id)).doc : null;
        try {
          return c.json({ items: rows.map((r) => toComment(r, doc)) }, 200);
        } finally {
          doc?.destroy();
        }
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: `${API_PREFIX}/projects/{id}/comments`,
        tags: ['review'],
        summary: 'Comment, or reply to a thread; mentions must be project members (422 otherwise)',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: {
          params: projectParams,
          body: { required: true, content: { 'application/json': { schema: createCommentBodySchema } } },
        },
        responses: {
          201: json(commentResponseSchema, 'Created'),
          ...errorsFor(400, 401, 403, 404, 422),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const body = c.req.valid('json');
        const userId = c.var.userId!;
        await authorizeProject(sql, id, userId, 'comments:write');
        let loaded: Y.Doc | undefined;
        const doc = async () => (loaded ??= (await loadDocument(sql, id)).doc);
        try {
          let parent: CommentRow | undefined;
          let anchor: StoredAnchor = { kind: 'project' };
          if (body.parentId) {
            parent = await findComment(sql, body.parentId);
            if (!parent || parent.project_id !== id || parent.deleted_at)
              throw unprocessable('parentId does not name a comment of this project.', { field: 'parentId' });
            // Threads are one level deep: a reply to a reply joins the thread's first comment.
            if (parent.parent_id) parent = (await findComment(sql, parent.parent_id)) ?? parent;
            anchor = parent.anchor;
          } else if (body.anchor) {
            anchor = await storedAnchor(sql, id, body.anchor, doc);
          }
          const mentions = await assertMentionsAreMembers(sql, id, body.body);
          const [inserted] = await sql<{ id: string }[]>`
            insert into comments (project_id, parent_id, author_id, body, anchor, scene_id)
            values (${id}, ${parent?.id ?? null}, ${userId}, ${body.body}, ${sql.json(anchor as never)},
              ${parent ? parent.scene_id : (anchor.sceneId ?? null)})
            returning id`;
          const row = (await findComment(sql, inserted!.id))!;
          const comment = toComment(row, anchor.kind === 'script' ? await doc() : null);
          emit('comment:created', comment);
          const excerpt = commentPlainText(body.body).slice(0, 140);
          const payload = {
            commentId: comment.id,
            sceneId: comment.sceneId,
            actor: row.author_name,
            excerpt,
          };
          await createNotifications(sql, deps.emitter, {
            userIds: mentions,
            kind: 'mention',
            projectId: id,
            payload,
            actorId: userId,
          });
          if (parent?.author_id && !mentions.includes(parent.author_id))
            await createNotifications(sql, deps.emitter, {
              userIds: [parent.author_id],
              kind: 'reply',
              projectId: id,
              payload: { ...payload, parentId: parent.id },
              actorId: userId,
            });
          return c.json({ comment }, 201);
        } finally {
          loaded?.destroy();
        }
      },
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: `${API_PREFIX}/comments/{commentId}`,
        tags: ['review'],
        summary: 'Edit your comment’s text, or resolve / reopen a thread',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: {
          params: commentParams,
          body: { required: true, content: { 'application/json': { schema: updateCommentBodySchema } } },
        },
        responses: {
          200: json(commentResponseSchema, 'Updated'),
          ...errorsFor(400, 401, 403, 404, 422),
        },
      }),
      async (c) => {
        const { commentId } = c.req.valid('param');
        const body = c.req.valid('json');
        const userId = c.var.userId!;
        const { row } = await visibleComment(commentId, userId, 'comments:write');
        if (row.deleted_at) throw notFound('Comment');
        if (body.body !== undefined && row.author_id !== userId)
          throw forbidden('Only the author can edit a comment.');
        const before = new Set(mentionedUserIds(row.body));
        const mentions =
          body.body !== undefined ? await assertMentionsAreMembers(sql, row.project_id, body.body) : [];
        await sql`
          update comments set
            body = coalesce(${body.body ?? null}, body),
            edited_at = ${body.body !== undefined ? sql`now()` : sql`edited_at`},
            resolved_at = ${body.resolved === undefined ? sql`resolved_at` : body.resolved ? sql`coalesce(resolved_at, now())` : null},
            resolved_by = ${body.resolved === undefined ? sql`resolved_by` : body.resolved ? userId : null}
          where id = ${commentId}`;
        const comment = await view((await findComment(sql, commentId))!);
        emit('comment:updated', comment);
        // Only people newly mentioned by an edit are told; the others were told already.
        await createNotifications(sql, deps.emitter, {
          userIds: mentions.filter((m) => !before.has(m)),
          kind: 'mention',
          projectId: row.project_id,
          payload: {
            commentId,
            sceneId: row.scene_id,
            actor: comment.author?.name,
            excerpt: commentPlainText(comment.body).slice(0, 140),
          },
          actorId: userId,
        });
        return c.json({ comment }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: `${API_PREFIX}/comments/{commentId}`,
        tags: ['review'],
        summary: 'Delete your comment (owners may delete any); replies stay, the text is erased',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: commentParams },
        responses: { 204: { description: 'Deleted' }, ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { commentId } = c.req.valid('param');
        const userId = c.var.userId!;
        const { row, role } = await visibleComment(commentId, userId, 'comments:write');
        if (row.deleted_at) throw notFound('Comment');
        if (row.author_id !== userId && !can(role as Role, 'comments:moderate'))
          throw forbidden('Only the author or a project owner can delete a comment.');
        // The text is erased, not kept behind a flag: a deleted comment must not be recoverable.
        await sql`update comments set deleted_at = now(), body = '(deleted)' where id = ${commentId}`;
        const comment = await view((await findComment(sql, commentId))!);
        emit('comment:deleted', comment);
        return c.body(null, 204);
      },
    );
}
