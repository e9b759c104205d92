import { approvalResponseSchema, type SceneReview } from '@clapboard/shared/review';
import { useState } from 'react';
import { ApiError, api } from '../lib/api-client';
import { useCan, useProject } from '../lib/project-context';
import { useToasts } from '../lib/toasts';

const LABEL: Record<SceneReview['status'], string> = {
  approved: 'Approved',
  changes_requested: 'Changes requested',
  stale: 'Stale',
  not_reviewed: 'Not reviewed',
};

/** A status chip: approved / changes requested / stale / not reviewed. */
export function StatusChip({ status }: { status: SceneReview['status'] }) {
  return (
    <span className="chip" data-status={status}>
      {LABEL[status]}
    </span>
  );
}

const show = (v: unknown) =>
  v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v, null, 0);

/**
 * The decision on one scene: who decided what, and when it is stale, what changed since (fields,
 * and the scene's script lines). Owners and reviewers approve or request changes, with a note.
 */
export function ApprovalPanel({ scene }: { scene: SceneReview }) {
  const { projectId } = useProject();
  const canDecide = useCan('approvals:write');
  const toasts = useToasts();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const a = scene.approval;
  const decide = async (status: 'approved' | 'changes_requested') => {
    setBusy(true);
    try {
      await api(
        `/projects/${projectId}/scenes/${encodeURIComponent(scene.sceneId)}/approvals`,
        approvalResponseSchema,
        {
          method: 'POST',
          json: { status, note: note || undefined },
        },
      );
      setNote('');
    } catch (err) {
      toasts.push('error', err instanceof ApiError ? err.message : 'Could not save the decision.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="approval">
      {a && (
        <p className="small muted">
          {a.status === 'approved' ? 'Approved' : 'Changes requested'} by {a.reviewer?.name ?? 'someone'}
          {a.note ? `: “${a.note}”` : ''}
        </p>
      )}
      {a?.stale && (
        <details className="stale-diff" open>
          <summary>Changed since the decision</summary>
          <ul className="small">
            {a.changes
              .filter((c) => c.field !== 'scriptText')
              .map((c) => (
                <li key={c.field}>
                  <strong>{c.field}</strong>: <del>{show(c.before)}</del> → <ins>{show(c.after)}</ins>
                </li>
              ))}
          </ul>
          {a.scriptDiff.length > 0 && (
            <pre className="diff small" title="Script changes">
              {a.scriptDiff
                .filter((l) => l.op !== 'equal')
                .map((l, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: diff lines are positional
                  <div key={i} className={`diff-${l.op}`}>
                    {l.op === 'add' ? '+ ' : '- '}
                    {l.text}
                  </div>
                ))}
            </pre>
          )}
        </details>
      )}
      {canDecide && (
        <div className="row">
          <input
            aria-label={`Note for ${scene.heading}`}
            placeholder="Note (optional)"
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          <button type="button" disabled={busy} onClick={() => void decide('approved')}>
            Approve
          </button>
          <button
            type="button"
            className="ghost"
            disabled={busy}
            onClick={() => void decide('changes_requested')}
          >
            Request changes
          </button>
        </div>
      )}
    </div>
  );
}
