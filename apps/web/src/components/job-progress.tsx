import type { Job } from '@clapboard/shared/jobs';
import { formatDuration } from '../lib/format';
import { shownPercent, stepLabel } from '../lib/job-display';
import type { WatchedJob } from '../lib/use-job-watch';

/**
 * Progress bar of one watched job: stage and message, the job's percent (100 only once it
 * completed), the current step with its own percent, and the ETA from observed throughput.
 */
export function JobProgress({ watched, label }: { watched: WatchedJob; label: string }) {
  const { job, progress } = watched;
  const pct = shownPercent(job, progress);
  const active = job.status === 'queued' || job.status === 'running';
  const step = active && progress?.step ? progress.step : null;
  return (
    <div className="job-progress" data-status={job.status} data-percent={pct}>
      <div className="row spread small">
        <span>
          <StatusBadge status={job.status} /> {active ? (progress?.stage ?? 'Waiting for a worker') : ''}
          {active && progress?.message ? ` · ${progress.message}` : ''}
        </span>
        <span className="muted">
          <span className="job-percent">{pct}%</span>
          {step && (
            <span className="job-step">
              {' · '}
              {stepLabel(step)} {Math.floor(progress?.stepProgress ?? 0)}%
            </span>
          )}
          {active && progress?.etaSec != null ? ` · ${formatDuration(progress.etaSec)} left` : ''}
        </span>
      </div>
      <progress max={100} value={pct} aria-label={`${label} progress`} aria-valuetext={`${pct}%`} />
      {job.status === 'failed' && job.error && (
        <p className="error small" role="alert">
          {job.error}
        </p>
      )}
    </div>
  );
}

/** A job status as a coloured badge. */
export function StatusBadge({ status }: { status: Job['status'] }) {
  return <span className={`badge status-${status}`}>{status}</span>;
}
