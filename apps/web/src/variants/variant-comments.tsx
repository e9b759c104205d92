import { type Variant, variantCommentBodySchema, variantCommentSchema } from '@clapboard/shared/campaigns';
import { can } from '@clapboard/shared/permissions';
import type { Role } from '@clapboard/shared/roles';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { ApiError, api } from '../lib/api-client';
import { formatTime } from '../lib/format';
import { timecode } from '../review/comment-thread';
import { useVariantComments, variantKeys } from './use-variants';

/**
 * A variant's comments, oldest first, each with its time in the video (click to seek) and, for the
 * team, whether the client sees it. The composer pins the comment to the player's time when asked;
 * the team chooses "Visible to client", a guest's comments always are.
 *
 * @param currentTime the player's time now (seconds), or null without a player
 * @param seek moves the player to a comment's time
 */
export function VariantComments(props: {
  variant: Variant;
  role: Role;
  currentTime: () => number | null;
  seek: (sec: number) => void;
  refetchInterval?: number | false;
}) {
  const { variant, role } = props;
  const id = useId();
  const qc = useQueryClient();
  const comments = useVariantComments(variant.projectId, variant.id, props.refetchInterval);
  const team = can(role, 'comments:internal');
  const [body, setBody] = useState('');
  const [visible, setVisible] = useState(!team);
  const [pin, setPin] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: (json: unknown) =>
      api(`/variants/${variant.id}/comments`, variantCommentSchema, { method: 'POST', json }),
    onSuccess: () => {
      setBody('');
      void qc.invalidateQueries({ queryKey: variantKeys.comments(variant.projectId, variant.id) });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const at = pin ? props.currentTime() : null;
    const parsed = variantCommentBodySchema.safeParse({
      body,
      atSec: at === null ? undefined : Math.round(at * 10) / 10,
      clientVisible: team ? visible : true,
    });
    if (!parsed.success) {
      setProblem(
        body.trim() ? 'The comment is too long (at most 10,000 characters).' : 'Write a comment first.',
      );
      return;
    }
    setProblem(null);
    send.mutate(parsed.data);
  };
  const items = comments.data?.items ?? [];
  return (
    <section className="variant-comments" aria-label={`Comments on ${variant.label}`}>
      {comments.error && <p className="error small">{comments.error.message}</p>}
      {items.length > 0 && (
        <ol className="plain">
          {items.map((c) => (
            <li key={c.id} className="comment small" data-client-visible={c.clientVisible}>
              <strong>
                {c.author.name}
                {c.author.role === 'guest' ? ' (client)' : ''}
              </strong>{' '}
              {c.atSec !== null && (
                <button
                  type="button"
                  className="link timecode"
                  onClick={() => props.seek(c.atSec!)}
                  aria-label={`Jump to ${timecode(c.atSec)}`}
                >
                  {timecode(c.atSec)}
                </button>
              )}{' '}
              <span className="comment-text">{c.body}</span>{' '}
              <span className="muted">
                · {formatTime(c.createdAt)}
                {team && (c.clientVisible ? ' · visible to client' : ' · internal')}
              </span>
            </li>
          ))}
        </ol>
      )}
      {can(role, 'variants:comment') && (
        <form className="composer" onSubmit={submit} noValidate>
          <label htmlFor={`${id}-body`} className="sr-only">
            Comment on {variant.label}
          </label>
          <textarea
            id={`${id}-body`}
            rows={2}
            value={body}
            placeholder={team ? 'Comment for the team, or the client…' : 'Your comment for the team…'}
            onChange={(e) => setBody(e.target.value)}
          />
          <div className="row wrap small">
            <label className="inline">
              <input type="checkbox" checked={pin} onChange={(e) => setPin(e.target.checked)} /> At the
              player's time
            </label>
            {team && (
              <label className="inline">
                <input type="checkbox" checked={visible} onChange={(e) => setVisible(e.target.checked)} />{' '}
                Visible to client
              </label>
            )}
            <button type="submit" className="small" disabled={send.isPending}>
              Comment
            </button>
          </div>
          {(problem || send.error) && (
            <p className="error small" role="alert">
              {problem ??
                (send.error instanceof ApiError ? send.error.message : 'Could not send the comment.')}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
