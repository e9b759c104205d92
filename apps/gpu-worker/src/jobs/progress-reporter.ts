import type { Sql } from '@clapboard/server/db';
import { emitProgress, type JobEmitter } from '@clapboard/server/jobs';
import type { JobProgress } from '@clapboard/shared/jobs';

export interface ProgressUpdate {
  stage: string;
  /** Percent of this step, 0–100. */
  progress: number;
  message?: string;
  etaSec?: number | null;
  previewAssetId?: string;
}

export type ProgressReporter = (update: ProgressUpdate) => void;

export interface ReporterOptions {
  sql: Sql;
  emitter?: JobEmitter;
  jobId: string;
  projectId: string;
  step: string;
  run: number;
  /** Maps step percent into the job's percent (the step's share of the whole job). */
  span: { from: number; to: number };
  /** BullMQ's job.updateProgress. */
  updateBull: (p: JobProgress) => Promise<void>;
  /** Socket events at most this often (ms); default 100. Final and preview events always go. */
  emitEveryMs?: number;
  /** Postgres writes at most this often (ms); default 500. */
  persistEveryMs?: number;
}

/**
 * A throttled reporter: maps step progress onto the job's scale, estimates an ETA from the rate so
 * far, emits `job:progress` to the job and project rooms, calls `job.updateProgress`, and keeps the
 * latest state in Postgres for polling clients. A throttled update is sent when its interval is
 * over; `flush()` sends whatever is pending at once.
 */
export function createProgressReporter(o: ReporterOptions): ProgressReporter & { flush(): Promise<void> } {
  const started = Date.now();
  const emitEvery = o.emitEveryMs ?? 100;
  const persistEvery = o.persistEveryMs ?? 500;
  let lastEmit = 0;
  let lastPersist = 0;
  let latest: JobProgress | null = null;
  let emitted: JobProgress | null = null;
  let persisted: JobProgress | null = null;
  let trailingEmit: ReturnType<typeof setTimeout> | undefined;
  let trailingPersist: ReturnType<typeof setTimeout> | undefined;
  let writes = Promise.resolve();

  const emit = (p: JobProgress) => {
    clearTimeout(trailingEmit);
    trailingEmit = undefined;
    lastEmit = Date.now();
    emitted = p;
    o.emitter && emitProgress(o.emitter, o.projectId, p);
    void o.updateBull(p).catch(() => {});
  };

  const persist = (p: JobProgress) => {
    clearTimeout(trailingPersist);
    trailingPersist = undefined;
    lastPersist = Date.now();
    persisted = p;
    writes = writes
      .then(async () => {
        await o.sql`update jobs set progress = ${o.sql.json(p as never)} where id = ${o.jobId} and status = 'running'`;
        await o.sql`update job_steps set progress = ${p.stepProgress ?? p.progress} where job_id = ${o.jobId} and run = ${o.run} and name = ${o.step}`;
      })
      .catch(() => {});
  };

  const reporter = ((u: ProgressUpdate) => {
    const stepFraction = Math.max(0, Math.min(100, u.progress)) / 100;
    const overall = o.span.from + (o.span.to - o.span.from) * stepFraction;
    const elapsed = (Date.now() - started) / 1000;
    const eta =
      u.etaSec !== undefined
        ? u.etaSec
        : stepFraction > 0.02
          ? Math.round((elapsed / stepFraction) * (1 - stepFraction))
          : null;
    const event: JobProgress = {
      jobId: o.jobId,
      stage: u.stage,
      progress: Math.round(overall * 10) / 10,
      etaSec: eta,
      message: (u.message ?? u.stage).slice(0, 500),
      step: o.step,
      stepProgress: Math.round(stepFraction * 1000) / 10,
      ...(u.previewAssetId ? { previewAssetId: u.previewAssetId } : {}),
    };
    latest = event;
    const now = Date.now();
    const important = stepFraction >= 1 || u.previewAssetId !== undefined;
    // Throttled updates still go out when their interval is over, so a long stretch of work (a
    // model run, an encode) never sits behind a stage that already ended.
    if (important || now - lastEmit >= emitEvery) emit(event);
    else
      trailingEmit ??= setTimeout(
        () => latest && latest !== emitted && emit(latest),
        emitEvery - (now - lastEmit),
      );
    if (important || now - lastPersist >= persistEvery) persist(event);
    else
      trailingPersist ??= setTimeout(
        () => latest && latest !== persisted && persist(latest),
        persistEvery - (now - lastPersist),
      );
  }) as ProgressReporter & { flush(): Promise<void> };
  reporter.flush = async () => {
    if (latest && latest !== emitted) emit(latest);
    if (latest && latest !== persisted) persist(latest);
    await writes;
  };
  return reporter;
}
