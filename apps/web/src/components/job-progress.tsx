import type { Job } from '@clapboard/shared/jobs';
import { formatDuration } from '../lib/format';
import type { WatchedJob } from '../lib/use-job-watch';

/** Progress bar with stage, percent and ETA for one watched job. */
export function JobProgress({ watched, label }: { watched: WatchedJob; label: string }) {
  const { job, progress } = watched;
  const pct = job.status === 'completed' ? 100 : Math.round(progress?.progress ?? 0);
  const active = job.status === 'queued' || job.status === 'running';
  return (
    <div className="job-progress" data-status={job.status}>
      <div className="row spread small">
        <span>
          <StatusBadge status={job.status} /> {active ? (progress?.stage ?? 'Waiting for a worker') : ''}
          {active && progress?.message ? ` · ${progress.message}` : ''}
        </span>
        <span className="muted">
          {pct}%{active && progress?.etaSec != null ? ` · ${formatDuration(progress.etaSec)} left` : ''}
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
