import type { Sql } from '@clapboard/server/db';
import { jobStore, type ProgressTracker } from '@clapboard/server/jobs';
import type { JobProgress } from '@clapboard/shared/jobs';

export interface ProgressUpdate {
  stage: string;
  /** Percent of this step, 0–100. */
  progress: number;
  message?: string;
  previewAssetId?: string;
}

export type ProgressReporter = (update: ProgressUpdate) => void;

export interface ReporterOptions {
  sql: Sql;
  tracker: ProgressTracker;
  jobId: string;
  projectId: string;
  step: string;
  run: number;
  /** This step's expected worker-seconds and the whole run's (the step's share of the bar). */
  weight: number;
  totalWeight: number;
  /** BullMQ's job.updateProgress. */
  updateBull: (p: JobProgress) => Promise<void>;
  /** Progress events at most this often (ms); default 100. Final and preview events always go. */
  emitEveryMs?: number;
  /** Postgres writes at most this often (ms); default 500. */
  persistEveryMs?: number;
}

/**
 * A throttled reporter for one step: hands the step's percent to the job's progress tracker
 * (which weights it into the job's percent, sends `job:progress` only when it does not go back,
 * and estimates the ETA from the job's observed throughput), calls `job.updateProgress`, and
 * keeps the latest state in Postgres for polling clients. A throttled update is sent when its
 * interval is over; `flush()` sends whatever is pending and waits for it; `reused()` tells the
 * tracker the step did no work.
 */
export function createProgressReporter(
  o: ReporterOptions,
): ProgressReporter & { flush(): Promise<void>; reused(): Promise<void> } {
  const emitEvery = o.emitEveryMs ?? 100;
  const persistEvery = o.persistEveryMs ?? 500;
  let lastEmit = 0;
  let lastPersist = 0;
  let latest: ProgressUpdate | null = null;
  let emitted: ProgressUpdate | null = null;
  let trailing: ReturnType<typeof setTimeout> | undefined;
  let chain = Promise.resolve();

  const send = (u: ProgressUpdate, mode: 'work' | 'reuse' = 'work') => {
    clearTimeout(trailing);
    trailing = undefined;
    lastEmit = Date.now();
    emitted = u;
    const persistNow = Date.now() - lastPersist >= persistEvery || u.progress >= 100 || mode === 'reuse';
    if (persistNow) lastPersist = Date.now();
    // One step's events go out in order; the tracker orders them against the other steps'.
    chain = chain
      .then(async () => {
        const { event } = await o.tracker.advance({
          jobId: o.jobId,
          projectId: o.projectId,
          run: o.run,
          step: o.step,
          weight: o.weight,
          totalWeight: o.totalWeight,
          fraction: Math.max(0, Math.min(100, u.progress)) / 100,
          mode,
          stage: u.stage,
          message: u.message ?? u.stage,
          ...(u.previewAssetId ? { previewAssetId: u.previewAssetId } : {}),
        });
        void o.updateBull(event).catch(() => {});
        if (persistNow) await jobStore.saveProgress(o.sql, o.run, event);
      })
      .catch(() => {});
  };

  const reporter = ((u: ProgressUpdate) => {
    latest = u;
    const important = u.progress >= 100 || u.previewAssetId !== undefined;
    if (important || Date.now() - lastEmit >= emitEvery) send(u);
    else
      trailing ??= setTimeout(
        () => latest && latest !== emitted && send(latest),
        emitEvery - (Date.now() - lastEmit),
      );
  }) as ProgressReporter & { flush(): Promise<void>; reused(): Promise<void> };
  reporter.flush = async () => {
    if (latest && latest !== emitted) send(latest);
    clearTimeout(trailing);
    await chain;
  };
  reporter.reused = async () => {
    const u = { stage: `${o.step}: reused`, progress: 100, message: `${o.step} reused from an earlier run` };
    latest = u;
    send(u, 'reuse');
    await chain;
  };
  return reporter;
}
