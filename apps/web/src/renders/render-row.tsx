import { type Job, jobActionResponseSchema } from '@clapboard/shared/jobs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { JobProgress } from '../components/job-progress';
import { ApiError, api } from '../lib/api-client';
import { formatTime } from '../lib/format';
import { costLine, stepLabel } from '../lib/job-display';
import { useCan, useProject } from '../lib/project-context';
import { useToasts } from '../lib/toasts';
import { useAsset } from '../lib/use-asset';
import { useJobWatch } from '../lib/use-job-watch';
import { RenderDeliverables } from './render-deliverables';
import { RenderPlayer } from './render-player';
import { RenderWarnings } from './render-warnings';

function Preview({ assetId }: { assetId: string }) {
  const a = useAsset(assetId);
  const src = a.data?.urls.thumbnail ?? (a.data?.kind === 'image' ? a.data.urls.content : null);
  return src ? <img src={src} alt="Preview" className="preview" /> : null;
}

/** One render: live progress per job and per step, previews, cancel/retry, then the player. */
export function RenderRow({ job: initial }: { job: Job }) {
  const { socket } = useProject();
  const qc = useQueryClient();
  const toasts = useToasts();
  const canCancel = useCan('jobs:cancel');
  const canRetry = useCan('jobs:create');
  const watched = useJobWatch(socket, initial, (job) => {
    if (job.status === 'completed') toasts.push('success', 'Render finished.');
    else if (job.status === 'failed') toasts.push('error', `Render failed: ${job.error ?? 'unknown error'}`);
  });
  const { job } = watched;
  const action = useMutation({
    mutationFn: (kind: 'cancel' | 'retry') =>
      api(`/jobs/${job.id}/${kind}`, jobActionResponseSchema, { method: 'POST' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['jobs'] }),
    onError: (err) => toasts.push('error', err instanceof ApiError ? err.message : 'The request failed.'),
  });
  const active = job.status === 'queued' || job.status === 'running';
  const preset = (job.params.preset ?? {}) as {
    resolution?: string;
    aspectRatio?: string;
    burnSubtitles?: boolean;
  };
  return (
    <li className="card render-row" data-job-id={job.id} data-status={job.status}>
      <div className="row spread">
        <strong>
          {preset.resolution ?? '720p'} · {preset.aspectRatio ?? '16:9'}
          {preset.burnSubtitles ? ' · subtitles burned in' : ''}
        </strong>
        <span className="muted small">
          {formatTime(job.createdAt)} · <span data-testid="job-cost">{costLine(job)}</span>
        </span>
      </div>
      <JobProgress watched={watched} label="Render" />
      {Object.keys(watched.steps).length > 0 && (
        <ul className="steps small" aria-label="Steps">
          {Object.entries(watched.steps).map(([step, pct]) => (
            <li key={step}>
              {stepLabel(step)} <span className="muted">{Math.floor(pct)}%</span>
            </li>
          ))}
        </ul>
      )}
      {watched.previews.length > 0 && active && (
        <div className="previews">
          {watched.previews.slice(-4).map((id) => (
            <Preview key={id} assetId={id} />
          ))}
        </div>
      )}
      <div className="row">
        {active && canCancel && (
          <button
            type="button"
            className="ghost"
            onClick={() => action.mutate('cancel')}
            disabled={action.isPending}
          >
            Cancel
          </button>
        )}
        {(job.status === 'failed' || job.status === 'cancelled') && canRetry && (
          <button
            type="button"
            className="ghost"
            onClick={() => action.mutate('retry')}
            disabled={action.isPending}
          >
            Retry
          </button>
        )}
      </div>
      <RenderWarnings job={job} />
      {job.status === 'completed' && <RenderPlayer job={job} />}
      {job.status === 'completed' && (
        <RenderDeliverables
          jobId={job.id}
          fps={(job.outputs.find((o) => o.name === 'video')?.value as { fps?: number } | undefined)?.fps}
        />
      )}
    </li>
  );
}
