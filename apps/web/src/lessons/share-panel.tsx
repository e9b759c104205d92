import { noContentSchema } from '@clapboard/shared/api';
import {
  createLessonShareBodySchema,
  type LessonShare,
  lessonShareListSchema,
  lessonShareSchema,
  MAX_SHARE_HOURS,
} from '@clapboard/shared/lessons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { ApiError, api } from '../lib/api-client';
import { formatTime } from '../lib/format';
import { useCan } from '../lib/project-context';
import { fillPath } from './share-routes';
import { useShareRoutes } from './use-share-routes';

/** A read-only text with a copy button (the link and the iframe snippet). */
function Copyable({ label, value }: { label: string; value: string }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  return (
    <div className="copyable">
      <label htmlFor={id}>
        {label}
        <textarea
          id={id}
          readOnly
          rows={value.length > 90 ? 3 : 1}
          value={value}
          onFocus={(e) => e.target.select()}
        />
      </label>
      <button
        type="button"
        className="ghost small"
        onClick={() =>
          void navigator.clipboard.writeText(value).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? 'Copied' : `Copy ${label.toLowerCase()}`}
      </button>
    </div>
  );
}

/**
 * "Share": a link (and an iframe snippet) that plays the final render without sign-in until it
 * expires; the token is shown once, when made. Lists the lesson's links and revokes them. Offered
 * only on a server that documents the share routes (they ship separately), otherwise it says so.
 */
export function SharePanel(props: { lessonId: string; jobId: string }) {
  const id = useId();
  const qc = useQueryClient();
  const canManage = useCan('shares:manage');
  const routes = useShareRoutes();
  const [hours, setHours] = useState(24 * 7);
  const [made, setMade] = useState<LessonShare | null>(null);
  const collection = routes.data ? fillPath(routes.data.collection, props.lessonId) : null;
  const key = ['shares', props.lessonId] as const;
  const list = useQuery({
    queryKey: key,
    queryFn: async () => (await api(collection!, lessonShareListSchema)).items,
    enabled: !!collection && canManage,
  });
  const create = useMutation({
    mutationFn: () =>
      api(collection!, lessonShareSchema, {
        method: 'POST',
        json: createLessonShareBodySchema.parse({ jobId: props.jobId, expiresInHours: hours }),
      }),
    onSuccess: (res) => {
      setMade(res);
      void qc.invalidateQueries({ queryKey: key });
    },
  });
  const revoke = useMutation({
    mutationFn: (shareId: string) =>
      api(
        fillPath(
          routes.data!.revoke!,
          ...(routes.data!.revoke!.startsWith('/api/v1/lessons/') ? [props.lessonId, shareId] : [shareId]),
        ),
        noContentSchema,
        { method: 'DELETE' },
      ),
    onSettled: () => void qc.invalidateQueries({ queryKey: key }),
  });
  if (routes.isPending) return <p className="muted small">Checking whether this server shares lessons…</p>;
  if (!routes.data)
    return (
      <p className="muted small" role="note" data-testid="share-unavailable">
        {routes.error
          ? `Share links cannot be offered: ${routes.error.message}`
          : 'This server does not offer share links for lessons yet (no share routes in its API).'}
      </p>
    );
  if (!canManage) return <p className="muted small">Owners and editors can make share links.</p>;
  return (
    <section className="share-panel" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Share</h3>
      <div className="row wrap">
        <label htmlFor={`${id}-hours`}>
          Link expires after (hours)
          <input
            id={`${id}-hours`}
            type="number"
            min={1}
            max={MAX_SHARE_HOURS}
            value={hours}
            onChange={(e) =>
              setHours(Math.max(1, Math.min(MAX_SHARE_HOURS, Math.round(Number(e.target.value) || 1))))
            }
          />
        </label>
        <button type="button" onClick={() => create.mutate()} disabled={create.isPending}>
          Make a share link
        </button>
      </div>
      {create.error && (
        <p className="error small" role="alert">
          {create.error instanceof ApiError ? create.error.message : 'Could not make the link.'}
        </p>
      )}
      {made?.url && (
        <div className="card inset" role="status">
          <p className="small">Copy these now: the link is shown only once.</p>
          <Copyable label="Link" value={made.url} />
          {made.embedHtml && <Copyable label="Embed code" value={made.embedHtml} />}
        </div>
      )}
      <ul className="plain small" aria-label="Share links">
        {list.data?.map((s) => (
          <li key={s.id} className="row spread" data-share-id={s.id}>
            <span>
              Made {formatTime(s.createdAt)} ·{' '}
              {s.revokedAt ? `revoked ${formatTime(s.revokedAt)}` : `expires ${formatTime(s.expiresAt)}`}
            </span>
            {!s.revokedAt && routes.data?.revoke && (
              <button
                type="button"
                className="ghost small"
                onClick={() => revoke.mutate(s.id)}
                disabled={revoke.isPending}
              >
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
