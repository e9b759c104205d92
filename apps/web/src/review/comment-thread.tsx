import { noContentSchema } from '@clapboard/shared/api';
import { type Comment, commentResponseSchema } from '@clapboard/shared/review';
import { useState } from 'react';
import { ApiError, api } from '../lib/api-client';
import { formatTime } from '../lib/format';
import { useCan, useProject } from '../lib/project-context';
import { useSession } from '../lib/session';
import { useToasts } from '../lib/toasts';
import { CommentBody } from './comment-body';
import { CommentComposer } from './comment-composer';

/** `m:ss` of a time in seconds. */
export function timecode(sec: number): string {
  const s = Math.max(0, Math.floor(sec));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function OneComment({
  comment,
  onSelect,
  selected,
}: {
  comment: Comment;
  onSelect?: (c: Comment) => void;
  selected?: boolean;
}) {
  const { user } = useSession();
  const toasts = useToasts();
  const canModerate = useCan('comments:moderate');
  const [editing, setEditing] = useState(false);
  const mine = comment.author?.id === user?.id;
  const remove = () =>
    api(`/comments/${comment.id}`, noContentSchema, { method: 'DELETE' }).catch((err: unknown) =>
      toasts.push('error', err instanceof ApiError ? err.message : 'The request failed.'),
    );
  if (comment.deletedAt)
    return (
      <div className="comment deleted muted small" data-comment-id={comment.id}>
        Comment deleted
      </div>
    );
  const media = comment.anchor.kind === 'media' ? comment.anchor : null;
  // A comment on a storyboard frame with a drawing: selecting it shows the drawing over the frame.
  const sceneDrawing =
    comment.anchor.kind === 'scene' && (comment.anchor.drawing?.length ?? 0) > 0 && !!onSelect;
  const selectable = !!media || sceneDrawing;
  return (
    <div className="comment" data-comment-id={comment.id} data-selected={selected ?? undefined}>
      <div className="row small">
        <strong>{comment.author?.name ?? 'Someone'}</strong>
        <span className="muted">{formatTime(comment.createdAt)}</span>
        {media && (
          <button type="button" className="timecode" onClick={() => onSelect?.(comment)}>
            {timecode(media.startSec)}
            {media.endSec !== undefined ? `–${timecode(media.endSec)}` : ''}
          </button>
        )}
        {sceneDrawing && (
          <button
            type="button"
            className="timecode"
            aria-pressed={!!selected}
            aria-label="Show the drawing on the frame"
            onClick={() => onSelect?.(comment)}
          >
            ✎ drawing
          </button>
        )}
        {comment.anchor.kind === 'script' && comment.anchor.quote && (
          <span className="muted quote">“{comment.anchor.quote.slice(0, 60)}”</span>
        )}
        {comment.editedAt && <span className="muted">(edited)</span>}
      </div>
      {editing ? (
        <CommentComposer
          label="Edit comment"
          submitLabel="Save"
          onSubmit={async (body) => {
            await api(`/comments/${comment.id}`, commentResponseSchema, { method: 'PATCH', json: { body } });
            setEditing(false);
          }}
        />
      ) : selectable ? (
        <button type="button" className="plain comment-text" onClick={() => onSelect?.(comment)}>
          <CommentBody nodes={comment.nodes} />
        </button>
      ) : (
        <div className="comment-text">
          <CommentBody nodes={comment.nodes} />
        </div>
      )}
      <div className="row small comment-actions">
        {mine && !editing && (
          <button type="button" className="ghost" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
        {(mine || canModerate) && (
          <button type="button" className="ghost" onClick={() => void remove()}>
            Delete
          </button>
        )}
      </div>
    </div>
  );
}

/**
 * A thread: the first comment, its replies, reply box, and resolve/reopen. Clicking a timed
 * comment, or one with a drawing on a storyboard frame, calls `onSelect` (the player seeks there;
 * the frame shows the drawing); `selectedId` marks the comment selected.
 */
export function CommentThread({
  root,
  replies,
  onSelect,
  selectedId,
}: {
  root: Comment;
  replies: Comment[];
  onSelect?: (c: Comment) => void;
  selectedId?: string | null;
}) {
  const { projectId } = useProject();
  const canWrite = useCan('comments:write');
  const [replying, setReplying] = useState(false);
  const resolved = root.resolvedAt !== null;
  return (
    <article
      className="thread card"
      data-resolved={resolved}
      aria-label={`Thread by ${root.author?.name ?? 'someone'}`}
    >
      <OneComment comment={root} onSelect={onSelect} selected={selectedId === root.id} />
      {replies.map((r) => (
        <div className="reply" key={r.id}>
          <OneComment comment={r} onSelect={onSelect} selected={selectedId === r.id} />
        </div>
      ))}
      {canWrite && (
        <div className="row small">
          <button type="button" className="ghost" onClick={() => setReplying((v) => !v)}>
            Reply
          </button>
          <button
            type="button"
            className="ghost"
            onClick={() =>
              void api(`/comments/${root.id}`, commentResponseSchema, {
                method: 'PATCH',
                json: { resolved: !resolved },
              })
            }
          >
            {resolved ? 'Reopen' : 'Resolve'}
          </button>
          {resolved && <span className="badge">resolved</span>}
        </div>
      )}
      {replying && (
        <CommentComposer
          label="Reply"
          submitLabel="Reply"
          onSubmit={async (body) => {
            await api(`/projects/${projectId}/comments`, commentResponseSchema, {
              method: 'POST',
              json: { body, parentId: root.id },
            });
            setReplying(false);
          }}
        />
      )}
    </article>
  );
}

/** Groups comments into threads (first comments with their replies), oldest first. */
export function threadsOf(comments: Comment[]): { root: Comment; replies: Comment[] }[] {
  const roots = comments.filter(
    (c) => !c.parentId && !(c.deletedAt && !comments.some((r) => r.parentId === c.id)),
  );
  return roots.map((root) => ({ root, replies: comments.filter((c) => c.parentId === root.id) }));
}
