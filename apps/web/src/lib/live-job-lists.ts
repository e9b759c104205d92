import { projectEventSchema } from '@clapboard/shared/events';
import type { JobPage } from '@clapboard/shared/jobs';
import {
  type Job,
  type JobProgress,
  jobFinishedSchema,
  jobProgressSchema,
  TERMINAL_JOB_STATUSES,
} from '@clapboard/shared/jobs';
import type { InfiniteData, QueryClient, QueryKey } from '@tanstack/react-query';
import { followEvents, type LiveSocket } from './project-events';

/**
 * A list's job with a `job:progress` event applied: same run (or an event without one), not
 * finished here, and not lower than what the list shows (the server never sends a run's progress
 * backwards, so the higher is the newer). A queued job that reports progress is running. Anything
 * else (another job, another run, a finished job) leaves the job as it is; its record comes with
 * the refetch that `job:updated` / `job:finished` cause.
 */
export function withProgress(job: Job, p: JobProgress): Job {
  if (p.jobId !== job.id || TERMINAL_JOB_STATUSES.includes(job.status)) return job;
  if (p.run !== undefined && p.run !== job.run) return job;
  if (job.progress && job.progress.progress > p.progress) return job;
  return { ...job, status: job.status === 'queued' ? 'running' : job.status, progress: p };
}

/** Applies `p` to one page of jobs; the same object when no job changed. */
function patchPage(page: JobPage, p: JobProgress): JobPage {
  const items = page.items.map((j) => withProgress(j, p));
  return items.some((j, i) => j !== page.items[i]) ? { ...page, items } : page;
}

/** A cached job list: one page (`useQuery`) or pages (`useInfiniteQuery`). */
export type CachedJobList = JobPage | InfiniteData<JobPage>;

/** Applies `p` to a cached job list of either shape; the same object when no job changed. */
export function patchJobList<T extends CachedJobList | undefined>(data: T, p: JobProgress): T {
  if (!data) return data;
  if ('pages' in data) {
    const pages = data.pages.map((page) => patchPage(page, p));
    return (pages.some((page, i) => page !== data.pages[i]) ? { ...data, pages } : data) as T;
  }
  if ('items' in data) return patchPage(data, p) as T;
  return data;
}

/**
 * Keeps the cached job lists under `listKey` (a `JobPage` or pages of them) live from a socket
 * in the jobs' project rooms, with no polling: `job:progress` is written into the cache
 * (`setQueryData`), `job:created`, `job:updated` and `job:finished` make the lists stale (one
 * refetch each, for the new row, status, costs and outputs), and every connect after the first
 * (a reconnect, where events sent while away are lost) refetches once. Messages are parsed with
 * the shared schemas; one that does not parse is dropped. Returns the function that stops.
 */
export function followJobLists(socket: LiveSocket, qc: QueryClient, listKey: QueryKey): () => void {
  const stale = () => void qc.invalidateQueries({ queryKey: listKey });
  const onProgress = (raw: unknown) => {
    const p = jobProgressSchema.safeParse(raw);
    if (!p.success) return;
    qc.setQueriesData<CachedJobList>({ queryKey: listKey }, (d) => patchJobList(d, p.data));
  };
  const onFinished = (raw: unknown) => {
    if (jobFinishedSchema.safeParse(raw).success) stale();
  };
  const onJob = (raw: unknown) => {
    const e = projectEventSchema.safeParse(raw);
    if (e.success && (e.data.type === 'job:created' || e.data.type === 'job:updated')) stale();
  };
  return followEvents(
    socket,
    { 'job:progress': onProgress, 'job:finished': onFinished, 'job:created': onJob, 'job:updated': onJob },
    stale,
  );
}
