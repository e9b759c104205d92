import type { Job, JobFinished, JobProgress } from '@clapboard/shared/jobs';
import { TERMINAL_JOB_STATUSES } from '@clapboard/shared/jobs';

export interface WatchedJob {
  job: Job;
  /** Latest live progress (also kept in `job.progress`). */
  progress: JobProgress | null;
  /** Preview assets in the order they arrived. */
  previews: string[];
  /** The step names seen in progress events, with their latest percent of that step. */
  steps: Record<string, number>;
}

const isTerminal = (s: Job['status']) => TERMINAL_JOB_STATUSES.includes(s);

/** What a watch starts from: the job record as the page got it. */
export function initialWatch(job: Job): WatchedJob {
  return {
    job,
    progress: job.progress,
    previews: job.progress?.previewAssetId ? [job.progress.previewAssetId] : [],
    steps: {},
  };
}

/** Whether `record` is a later run of the job we know (a retry): its run number is higher. */
export function isNewRun(known: Job, record: Job): boolean {
  return record.run > known.run;
}

/**
 * Takes a newer job record (the watch ack, or the list refetched after a finish, retry or cancel):
 * its status, costs and outputs. A later run starts over (its progress begins again at 0). In the
 * same run the record's progress replaces the live one only when it is not lower: the ack's
 * snapshot is read from Postgres before the socket joins the job's room, and a list may have been
 * fetched before the last event, so an older snapshot would otherwise pull the bar back. Within a
 * run the server's progress never decreases, so the higher of the two is the newer.
 */
export function takeRecord(s: WatchedJob, record: Job): WatchedJob {
  if (record === s.job) return s;
  if (record.id !== s.job.id || isNewRun(s.job, record)) return initialWatch(record);
  // An older record (fetched before a retry) says nothing about the run we show.
  if (record.run < s.job.run) return s;
  const live = s.progress;
  const progress =
    !record.progress || (live && live.progress > record.progress.progress) ? live : record.progress;
  return { ...s, job: { ...record, progress }, progress };
}

/**
 * Applies a `job:progress` event as it comes: the server sends a run's events in order and never
 * lower than the last, so a step that is slower than expected shows as it is. Events name their
 * run: an earlier run's (a cancelled step reporting once more before it stops) is dropped, a later
 * run's starts the bar over (a retry this page has not refetched yet). An event without a run
 * (an older server) that arrives while the job is finished here is dropped too.
 */
export function applyProgress(s: WatchedJob, p: JobProgress): WatchedJob {
  if (p.jobId !== s.job.id) return s;
  if (p.run !== undefined && p.run < s.job.run) return s;
  if (p.run !== undefined && p.run > s.job.run)
    s = initialWatch({ ...s.job, run: p.run, status: 'running', progress: null, outputs: [], error: null });
  else if (isTerminal(s.job.status)) return s;
  return {
    ...s,
    job: { ...s.job, status: s.job.status === 'queued' ? 'running' : s.job.status, progress: p },
    progress: p,
    previews:
      p.previewAssetId && !s.previews.includes(p.previewAssetId)
        ? [...s.previews, p.previewAssetId]
        : s.previews,
    steps: p.step ? { ...s.steps, [p.step]: p.stepProgress ?? 0 } : s.steps,
  };
}

/** Applies `job:finished`: the terminal status, error and outputs (costs come with the refetch). */
export function applyFinished(s: WatchedJob, f: JobFinished): WatchedJob {
  if (f.jobId !== s.job.id || (f.run !== undefined && f.run < s.job.run)) return s;
  return { ...s, job: { ...s.job, status: f.status, error: f.error ?? null, outputs: f.outputs } };
}
