import type { JobType } from '@clapboard/shared/jobs';
import { JOB_CATALOG } from '@clapboard/shared/jobs';
import type { Sql } from '../db/connect-db';
import type { Logger } from '../logger';
import { finishJob } from './finish-job';
import { flowOfRun, rootJobId } from './flow-plan';
import type { JobEmitter } from './job-events';
import type { JobQueues } from './job-queues';
import type { JobRow } from './job-row';
import { PlanUnavailableError, planFor } from './plan-for';

/**
 * The NOTIFY channel raised after a transaction queued a job run (migration 0013's trigger on
 * `jobs`, which also writes the run's `job_outbox` row).
 */
export const JOB_OUTBOX_CHANNEL = 'clapboard_job_outbox';
/**
 * How old an outbox row must be before a dispatcher takes it (ms). The API that committed it adds
 * the flow itself right after its commit (a millisecond or two) and clears the row; the grace keeps
 * dispatchers from checking every fresh submission a second time. An API that cannot reach Redis
 * (the edge entry) leaves its rows to the dispatchers: its jobs are queued about this much later.
 */
export const OUTBOX_GRACE_MS = 500;
/** Rows one dispatch pass takes (each locked until the pass ends). */
const OUTBOX_BATCH = 100;

/** One queued run: a job id and its run number. */
export interface JobRunRef {
  jobId: string;
  run: number;
}

/** Clears the outbox rows of runs whose flows were added (the submitting API's fast path). */
export async function clearOutbox(sql: Sql, runs: readonly JobRunRef[]): Promise<void> {
  if (runs.length === 0) return;
  await sql`
    delete from job_outbox o using unnest(${runs.map((r) => r.jobId)}::uuid[], ${runs.map((r) => r.run)}::int[]) as t(job_id, run)
    where o.job_id = t.job_id and o.run = t.run`;
}

/**
 * Outbox rows for every queued run older than `olderThanSec` (a run whose queue entry Redis lost,
 * e.g. after a Redis restart without persistence): the next dispatch pass checks each one and adds
 * the flows that are missing. Returns the rows it wrote.
 */
export async function sweepQueuedRuns(sql: Sql, olderThanSec: number): Promise<number> {
  const rows = await sql`
    insert into job_outbox (job_id, run)
    select id, run from jobs
    where status = 'queued' and created_at < now() - make_interval(secs => ${olderThanSec})
    on conflict do nothing
    returning job_id`;
  return rows.length;
}

export interface DispatchOptions {
  /** Take only rows at least this old (ms); default OUTBOX_GRACE_MS. */
  graceMs?: number;
  /** Rows per pass; default 100. */
  limit?: number;
  emitter?: JobEmitter;
  /**
   * Called after the pass's flows were added and before its rows are cleared (tests crash a
   * dispatcher here to show a run is still enqueued once).
   */
  afterEnqueue?: (runs: JobRunRef[]) => void | Promise<void>;
  /** Called after the pass's rows were claimed, before anything is enqueued (tests crash here too). */
  afterClaim?: (runs: JobRunRef[]) => void | Promise<void>;
}

export interface DispatchResult {
  /** Runs whose flows this pass added. */
  queued: JobRunRef[];
  /** Rows cleared without adding anything: the flow existed, or the run was no longer queued. */
  alreadyQueued: number;
  /** Runs failed because they could no longer be planned (a render whose version is gone). */
  failed: number;
  /** Rows left for a later pass because adding their flows failed; the reason is on the row. */
  deferred: number;
}

type OutboxRow = JobRow & { outbox_run: number };

/**
 * One dispatch pass: claims up to `limit` outbox rows older than the grace (skipping rows another
 * dispatcher holds), and for each run still queued whose root node is not in BullMQ adds its flow
 * from `planFor` (the same plan submit makes); then clears the rows, in the same transaction. A
 * dispatcher that dies mid-pass releases its rows when its connection drops, and the next pass
 * finds the flows it added and does not add them again. A run that can no longer be planned fails
 * with the reason. Types this version does not know (a newer API during a rolling upgrade) are
 * left for a dispatcher that does.
 */
export async function dispatchOutbox(
  sql: Sql,
  queues: JobQueues,
  options: DispatchOptions = {},
): Promise<DispatchResult> {
  const known = Object.keys(JOB_CATALOG);
  const result: DispatchResult = { queued: [], alreadyQueued: 0, failed: 0, deferred: 0 };
  await sql.begin(async (tx) => {
    const rows = await tx<OutboxRow[]>`
      select j.*, o.run as outbox_run from job_outbox o join jobs j on j.id = o.job_id
      where o.created_at < now() - make_interval(secs => ${(options.graceMs ?? OUTBOX_GRACE_MS) / 1000})
        and j.type = any(${known}::text[])
      order by o.attempts, o.created_at
      limit ${options.limit ?? OUTBOX_BATCH}
      for update of o skip locked`;
    if (rows.length === 0) return;
    const refs = rows.map((r) => ({ jobId: r.id, run: r.outbox_run }));
    await options.afterClaim?.(refs);
    const done: JobRunRef[] = [];
    const flows: Array<{ ref: JobRunRef; flow: ReturnType<typeof flowOfRun> }> = [];
    for (const row of rows) {
      const ref = { jobId: row.id, run: row.outbox_run };
      const type = row.type as JobType;
      const queue = queues.queues[JOB_CATALOG[type].resourceClass];
      if (
        row.status !== 'queued' ||
        row.run !== row.outbox_run ||
        (await queue.getJob(rootJobId(row.id, row.run)))
      ) {
        result.alreadyQueued++;
        done.push(ref);
        continue;
      }
      try {
        const planned = await planFor(sql, { type, params: row.params, versionId: row.version_id });
        flows.push({ ref, flow: flowOfRun(row, planned) });
      } catch (err) {
        if (!(err instanceof PlanUnavailableError)) throw err;
        await finishJob(sql, options.emitter, row.id, { status: 'failed', error: err.message });
        result.failed++;
        done.push(ref);
      }
    }
    if (flows.length > 0) {
      try {
        await queues.flows.addBulk(flows.map((f) => f.flow));
        result.queued = flows.map((f) => f.ref);
        done.push(...result.queued);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        result.deferred = flows.length;
        await tx`
          update job_outbox o set attempts = attempts + 1, last_error = ${reason}
          from unnest(${flows.map((f) => f.ref.jobId)}::uuid[], ${flows.map((f) => f.ref.run)}::int[]) as t(job_id, run)
          where o.job_id = t.job_id and o.run = t.run`;
      }
      await options.afterEnqueue?.(result.queued);
    }
    if (done.length > 0) await clearOutbox(tx as unknown as Sql, done);
  });
  return result;
}

export interface JobDispatcher {
  /** Runs passes until the outbox holds nothing old enough (also what the timers call). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Keeps the job outbox empty: a pass `graceMs` after every NOTIFY on JOB_OUTBOX_CHANNEL, one every
 * `everyMs` in case a notification was missed, and every `sweepEverySec` a sweep that puts queued
 * runs older than `sweepAfterSec` back in the outbox (their queue entries may be gone with Redis).
 * Any number of dispatchers may run (every API and worker process on Node): rows are claimed with
 * SKIP LOCKED.
 */
export async function startJobDispatcher(deps: {
  sql: Sql;
  queues: JobQueues;
  log: Logger;
  emitter?: JobEmitter;
  graceMs?: number;
  everyMs?: number;
  sweepAfterSec?: number;
  sweepEverySec?: number;
}): Promise<JobDispatcher> {
  const graceMs = deps.graceMs ?? OUTBOX_GRACE_MS;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const drain = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        const r = await dispatchOutbox(deps.sql, deps.queues, { graceMs, emitter: deps.emitter });
        if (r.queued.length > 0)
          deps.log.info({ jobs: r.queued.map((q) => q.jobId) }, 'dispatched queued job runs from the outbox');
        if (r.deferred > 0) deps.log.warn({ runs: r.deferred }, 'could not queue job runs; will retry');
        // A full pass may have left more behind it; a deferred one waits for the next timer.
        if (r.deferred === 0 && r.queued.length + r.alreadyQueued + r.failed >= OUTBOX_BATCH) again = true;
      } while (again && !closed);
    })()
      .catch((err: unknown) => deps.log.error({ err }, 'job outbox dispatch failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  // One timer at a time: a notification per submitted job (hundreds a second under load) must not
  // become a dispatch pass each (bench:jobs: API CPU per submit doubled with a timer per NOTIFY).
  // Notifications that arrive while the timer waits get one more pass, once their rows are old enough.
  let pending: NodeJS.Timeout | undefined;
  let notifiedSince = false;
  const later = () => {
    if (closed) return;
    if (pending) {
      notifiedSince = true;
      return;
    }
    pending = setTimeout(() => {
      pending = undefined;
      const more = notifiedSince;
      notifiedSince = false;
      void drain().then(() => {
        if (more) later();
      });
    }, graceMs + 50);
  };
  const listener = await deps.sql.listen(JOB_OUTBOX_CHANNEL, later);
  const timer = setInterval(() => void drain(), deps.everyMs ?? 10_000);
  timer.unref();
  const sweep = () =>
    sweepQueuedRuns(deps.sql, deps.sweepAfterSec ?? 30).then(
      async (n) => {
        if (n > 0) await drain();
      },
      (err: unknown) => deps.log.error({ err }, 'queued job sweep failed'),
    );
  const sweepTimer = setInterval(() => void sweep(), (deps.sweepEverySec ?? 60) * 1000);
  sweepTimer.unref();
  void drain();
  return {
    drain,
    async close() {
      closed = true;
      clearInterval(timer);
      clearInterval(sweepTimer);
      if (pending) clearTimeout(pending);
      await listener.unlisten();
      await running;
    },
  };
}
