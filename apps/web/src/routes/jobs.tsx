import { projectPageSchema } from '@clapboard/shared/api';
import { JOB_CATALOG, JOB_STATUSES, type Job, type JobStatus, jobPageSchema } from '@clapboard/shared/jobs';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { StatusBadge } from '../components/job-progress';
import { api } from '../lib/api-client';
import { formatDuration, formatTime } from '../lib/format';
import { costLine, shownPercent, stepLabel } from '../lib/job-display';
import { useLiveJobLists } from '../lib/use-live-job-lists';

const ACTIVE: readonly JobStatus[] = ['queued', 'running'];

/** What a running job is doing: its stage, current step with that step's percent, and the ETA. */
function ActiveDetail({ p }: { p: NonNullable<Job['progress']> }) {
  return (
    <span className="muted small">
      {p.stage ? ` · ${p.stage}` : ''}
      {p.step ? ` · ${stepLabel(p.step)} ${Math.floor(p.stepProgress ?? 0)}%` : ''}
      {p.etaSec != null ? ` · ${formatDuration(p.etaSec)} left` : ''}
    </span>
  );
}

/**
 * Job history across every project I belong to, newest first, filterable by status; kept current
 * by the project rooms' job events (see use-live-job-lists), never by polling.
 */
export function JobsPage() {
  const [status, setStatus] = useState<JobStatus | ''>('');
  const jobs = useInfiniteQuery({
    queryKey: ['jobs', 'all', status],
    queryFn: ({ pageParam }) =>
      api(
        `/jobs?limit=25${status ? `&status=${status}` : ''}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
        jobPageSchema,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = jobs.data?.pages.flatMap((p) => p.items) ?? [];
  // Live, not polled: the rooms of my projects (and of any listed job's) push every job change.
  const projects = useQuery({
    queryKey: ['projects'],
    queryFn: () => api('/projects?limit=50', projectPageSchema),
  });
  useLiveJobLists(
    [...(projects.data?.items.map((p) => p.id) ?? []), ...items.map((j) => j.projectId)],
    ['jobs', 'all'],
  );
  return (
    <section>
      <div className="row spread">
        <h1>Job history</h1>
        <label htmlFor="job-status" className="row inline">
          Status
          <select
            id="job-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as JobStatus | '')}
          >
            <option value="">all</option>
            {JOB_STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      {jobs.isPending && <p className="muted">Loading jobs…</p>}
      {jobs.error && (
        <p className="error" role="alert">
          {jobs.error.message}{' '}
          <button type="button" onClick={() => void jobs.refetch()}>
            Retry
          </button>
        </p>
      )}
      {jobs.data && items.length === 0 && (
        <p className="muted">No jobs yet. Renders, frame generations and asset previews appear here.</p>
      )}
      {items.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Cost and worker time</th>
              <th scope="col">Started</th>
            </tr>
          </thead>
          <tbody>
            {items.map((j) => (
              <tr key={j.id} data-job-id={j.id} data-status={j.status}>
                <td>
                  <Link
                    to="/projects/$projectId/$tab"
                    params={{
                      projectId: j.projectId,
                      tab: j.type === 'render.video' ? 'renders' : 'storyboard',
                    }}
                  >
                    {JOB_CATALOG[j.type]?.title ?? j.type}
                  </Link>
                </td>
                <td>
                  <StatusBadge status={j.status} />
                </td>
                <td data-percent={shownPercent(j, j.progress)}>
                  {shownPercent(j, j.progress)}%
                  {ACTIVE.includes(j.status) && j.progress ? <ActiveDetail p={j.progress} /> : null}
                </td>
                <td className="small">{costLine(j)}</td>
                <td>{formatTime(j.startedAt ?? j.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {jobs.hasNextPage && (
        <button
          type="button"
          className="ghost"
          onClick={() => void jobs.fetchNextPage()}
          disabled={jobs.isFetchingNextPage}
        >
          Load more
        </button>
      )}
    </section>
  );
}
