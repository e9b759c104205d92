import { resolveScriptAnchor } from '@clapboard/server/review';
import { commentNodesToHtml, mentionedUserIds, parseCommentBody } from '@clapboard/shared/comment-markup';
import type { Comment, CommentAnchor } from '@clapboard/shared/review';
import type * as Y from 'yjs';

/** A `comments` row with its author's name. */
export interface CommentRow {
  id: string;
  project_id: string;
  parent_id: string | null;
  author_id: string | null;
  author_name: string | null;
  body: string;
  anchor: Record<string, unknown> & { kind: string };
  scene_id: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  edited_at: Date | null;
  deleted_at: Date | null;
  created_at: Date;
}

/** Columns to select for `toComment` (alias `c` for comments, `u` for the author). */
export const COMMENT_COLUMNS = 'c.*, u.name as author_name';

/**
 * The API shape of a comment: the raw body plus its safe nodes and HTML, and script anchors
 * resolved against `doc` (the project's current document) so they follow edits. A deleted
 * comment keeps its place in its thread but shows no text.
 */
export function toComment(row: CommentRow, doc: Y.Doc | null): Comment {
  const body = row.deleted_at ? '' : row.body;
  const nodes = parseCommentBody(body);
  let anchor = row.anchor as CommentAnchor;
  if (row.anchor.kind === 'script') {
    const stored = row.anchor as { kind: 'script'; sceneId?: string; start: string; end: string };
    const resolved = doc
      ? resolveScriptAnchor(doc, stored.start, stored.end)
      : { from: null, to: null, quote: '' };
    anchor = { ...stored, ...resolved };
  }
  return {
    id: row.id,
    projectId: row.project_id,
    parentId: row.parent_id,
    author: row.author_id ? { id: row.author_id, name: row.author_name ?? '' } : null,
    body,
    nodes,
    html: commentNodesToHtml(nodes),
    anchor,
    sceneId: row.scene_id,
    mentions: mentionedUserIds(body),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    resolvedBy: row.resolved_by,
    editedAt: row.edited_at?.toISOString() ?? null,
    deletedAt: row.deleted_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}
