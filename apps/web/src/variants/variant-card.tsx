import { type Variant, variantSchema } from '@clapboard/shared/campaigns';
import { can } from '@clapboard/shared/permissions';
import type { Role } from '@clapboard/shared/roles';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { ApiError, api } from '../lib/api-client';
import { formatUsd } from '../lib/format';
import { useToasts } from '../lib/toasts';
import { variantKeys } from './use-variants';
import { VariantComments } from './variant-comments';
import { aspectCss, decisionText, shapeText } from './variant-text';

/** Approve, or ask for changes with a note; for the roles that may decide (owners, reviewers, client guests). */
function Decision({ variant, role }: { variant: Variant; role: Role }) {
  const id = useId();
  const qc = useQueryClient();
  const toasts = useToasts();
  const [asking, setAsking] = useState(false);
  const [note, setNote] = useState('');
  const decide = useMutation({
    mutationFn: (json: { status: 'approved' | 'changes_requested'; note?: string }) =>
      api(`/variants/${variant.id}/approval`, variantSchema, { method: 'POST', json }),
    onSuccess: (v) => {
      setAsking(false);
      setNote('');
      void qc.invalidateQueries({ queryKey: variantKeys.list(v.projectId) });
      toasts.push(
        'success',
        `${v.label}: ${v.approval?.status === 'approved' ? 'approved' : 'changes requested'}.`,
      );
    },
    onError: (err) =>
      toasts.push('error', err instanceof ApiError ? err.message : 'The decision was not saved.'),
  });
  const a = variant.approval;
  const may = can(role, 'variants:approve') && variant.status === 'ready';
  return (
    <div className="variant-decision" data-decision={a?.status ?? 'pending'}>
      <p className={`small decision-${a?.status ?? 'pending'}`} data-testid="variant-decision">
        {decisionText(a)}
        {a?.stale && ' · the brand kit changed since'}
      </p>
      {a?.note && <p className="small muted">“{a.note}”</p>}
      {may && !asking && (
        <div className="row">
          <button
            type="button"
            className="small"
            disabled={decide.isPending || a?.status === 'approved'}
            onClick={() => decide.mutate({ status: 'approved' })}
            aria-label={`Approve ${variant.label}`}
          >
            Approve
          </button>
          <button
            type="button"
            className="ghost small"
            disabled={decide.isPending}
            onClick={() => setAsking(true)}
            aria-label={`Request changes on ${variant.label}`}
          >
            Request changes
          </button>
        </div>
      )}
      {may && asking && (
        <form
          className="composer"
          onSubmit={(e) => {
            e.preventDefault();
            decide.mutate({ status: 'changes_requested', note: note.trim() || undefined });
          }}
        >
          <label htmlFor={`${id}-note`} className="small">
            What should change?
            <textarea
              id={`${id}-note`}
              rows={2}
              maxLength={5000}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          </label>
          <div className="row">
            <button type="submit" className="small" disabled={decide.isPending}>
              Send request
            </button>
            <button type="button" className="ghost small" onClick={() => setAsking(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

/**
 * One platform variant: its poster and player (signed links, no token needed), shape and length,
 * cost, status, a stale badge when the brand kit changed since it was rendered, the decision, and
 * its comments. Used in the project's Variants tab and in the client's review view.
 *
 * @param role the viewer's role on the project (decides which controls show; the API checks again)
 * @param refetchInterval polling for viewers without the project's socket (guests)
 */
export function VariantCard(props: { variant: Variant; role: Role; refetchInterval?: number | false }) {
  const { variant: v, role } = props;
  const video = useRef<HTMLVideoElement>(null);
  const ready = v.status === 'ready' && v.urls;
  return (
    <li className="card variant-card" data-variant-key={v.key} data-status={v.status} data-stale={v.stale}>
      <div className="row spread">
        <strong>{v.label}</strong>
        <span className={`badge variant-status-${v.status}`}>{v.status}</span>
      </div>
      <div className="variant-media" style={{ aspectRatio: aspectCss(v.aspectRatio) }}>
        {ready ? (
          // biome-ignore lint/a11y/useMediaCaption: the lines are burned in or spoken; no caption track is rendered for variants
          <video
            ref={video}
            controls
            preload="metadata"
            poster={v.urls!.poster ?? undefined}
            src={v.urls!.video}
            aria-label={`Play ${v.label}`}
          />
        ) : v.urls?.poster ? (
          <img src={v.urls.poster} alt={`Poster of ${v.label}`} />
        ) : (
          <span className="muted small">
            {v.status === 'rendering'
              ? 'Rendering…'
              : v.status === 'failed'
                ? 'The render failed.'
                : 'Cancelled.'}
          </span>
        )}
      </div>
      <p className="small muted">
        {shapeText(v)} · {formatUsd(v.costUsd)}
        {v.brandKitRevision !== null ? ` · brand kit revision ${v.brandKitRevision}` : ''}
      </p>
      {v.stale && (
        <p className="badge stale small" title="Render it again to apply the kit as it is now">
          Brand kit changed since this render
        </p>
      )}
      <Decision variant={v} role={role} />
      <VariantComments
        variant={v}
        role={role}
        refetchInterval={props.refetchInterval}
        currentTime={() => video.current?.currentTime ?? null}
        seek={(sec) => {
          if (!video.current) return;
          video.current.pause();
          video.current.currentTime = sec;
        }}
      />
    </li>
  );
}
