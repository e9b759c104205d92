import { removeAsset } from '@clapboard/server/assets';
import type { Sql } from '@clapboard/server/db';
import {
  createJobEmitter,
  createProgressTracker,
  DEFAULT_SOCKET_KEY,
  type JobEmitter,
  stepBackoff,
  stepDataSchema,
} from '@clapboard/server/jobs';
import { once } from '@clapboard/server/lifecycle';
import type { Logger } from '@clapboard/server/logger';
import { queueBacklogMetrics, type Registry, workerMetrics } from '@clapboard/server/metrics';
import type { Redis } from '@clapboard/server/redis';
import type { BlobStore } from '@clapboard/server/storage';
import { workerCost } from '@clapboard/shared/job-plan';
import {
  JOB_CATALOG,
  type JobDefinition,
  type JobType,
  QUEUE_NAMES,
  type ResourceClass,
} from '@clapboard/shared/jobs';
import { type Job, Worker } from 'bullmq';
import { CancelRegistry } from './jobs/cancel-registry';
import { handleStepFailure } from './jobs/handle-step-failure';
import type { PipelineRegistry } from './jobs/pipeline';
import { processStep, type StepProcessorDeps } from './jobs/process-step';
import { claimScratchRoot, DEFAULT_SCRATCH_BASE } from './jobs/scratch-root';

export interface WorkerDeps {
  redis: Redis;
  sql: Sql;
  log: Logger;
  /** Queues to consume; default both. */
  queues?: ResourceClass[];
  /** Jobs at once per queue; default 2. */
  concurrency?: number;
  /** BullMQ key prefix; tests isolate themselves with their own. */
  prefix?: string;
  /** Socket.IO Redis key shared with the realtime server; default `socket.io`. */
  socketKey?: string;
  pipelines?: PipelineRegistry;
  /** Catalog entries for pipelines outside the shared catalog (tests). */
  definitions?: Record<string, JobDefinition>;
  /** Parent folder of step scratch folders; default the OS temp dir. */
  scratchRoot?: string;
  /** Where job outputs are stored; partial outputs of failed steps are deleted from it. */
  store?: BlobStore;
  /** How steps of pipelines this worker cannot run are handed back (tests shorten it). */
  handback?: StepProcessorDeps['handback'];
  /**
   * How long a step's lock lasts without renewal (ms). A killed worker's step is picked up by
   * another worker after about this long (BullMQ stalled-job check). Default 30 000.
   */
  lockDurationMs?: number;
  /** Where job step timings, outcomes, cost and queue depth are recorded (the `/metrics` registry). */
  metricsRegistry?: Registry;
}

export interface ClapboardWorker {
  workers: Worker[];
  cancels: CancelRegistry;
  emitter: JobEmitter;
  /**
   * Catalog job types this worker runs: it has the pipeline, can run it as configured, and
   * consumes the type's queue.
   */
  jobTypes: JobType[];
  /** Types whose pipeline and queue it has but cannot run as configured, with the reason. */
  declined: Array<{ type: JobType; reason: string }>;
  /** Resolves when every BullMQ worker and the cancel listener are connected. */
  ready(): Promise<void>;
  /** Idempotent: stops taking jobs and lets running steps finish. */
  close(): Promise<void>;
}

/**
 * BullMQ workers for the Clapboard queues. Every node of a job's flow is dispatched to
 * `processStep`; a final failure ends the job (failed or cancelled) through `handleStepFailure`.
 */
export function createWorker(deps: WorkerDeps): ClapboardWorker {
  const pipelines: PipelineRegistry = deps.pipelines ?? new Map();
  const socketKey = deps.socketKey ?? DEFAULT_SOCKET_KEY;
  const emitter = createJobEmitter(deps.redis, socketKey);
  const tracker = createProgressTracker(deps.redis, deps.prefix, socketKey);
  const queues = deps.queues ?? ['gpu', 'cpu'];
  const consumed = (Object.keys(JOB_CATALOG) as JobType[]).filter(
    (t) => pipelines.has(t) && queues.includes(JOB_CATALOG[t].resourceClass),
  );
  const jobTypes = consumed.filter((t) => !pipelines.get(t)?.unavailable);
  const declined = consumed.flatMap((t) => {
    const reason = pipelines.get(t)?.unavailable;
    return reason ? [{ type: t, reason }] : [];
  });
  const cancels = new CancelRegistry(deps.log);
  // This process's own folder; folders of dead runs (SIGKILL mid-step) are swept first.
  const { dir: scratchRoot, swept } = claimScratchRoot(deps.scratchRoot ?? DEFAULT_SCRATCH_BASE);
  if (swept.length) deps.log.info({ swept }, 'removed scratch folders of dead worker runs');
  const store = deps.store;
  // Partial outputs of a failed step are removed: row and blobs.
  const dropAsset = async (id: string) => {
    if (store) await removeAsset(deps.sql, store, id);
    else await deps.sql`delete from assets where id = ${id}`;
  };
  const stepDeps = {
    sql: deps.sql,
    emitter,
    tracker,
    log: deps.log,
    pipelines,
    cancels,
    scratchRoot,
    removeAsset: dropAsset,
    definitions: deps.definitions,
    handback: deps.handback,
  };
  const lockDuration = deps.lockDurationMs ?? 30_000;

  const metrics = deps.metricsRegistry ? workerMetrics(deps.metricsRegistry) : undefined;
  if (deps.metricsRegistry) queueBacklogMetrics(deps.metricsRegistry, deps.redis, deps.prefix ?? 'bull');
  /** One finished attempt of a step, as the metrics see it (the ledger keeps the exact charge). */
  const recordStep = (
    cls: ResourceClass,
    job: Job | undefined,
    outcome: 'completed' | 'failed',
    result?: unknown,
  ) => {
    const data = stepDataSchema.safeParse(job?.data);
    if (!metrics || !job || !data.success) return;
    const seconds = Math.max(0, ((job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now())) / 1000);
    const returned = (result ?? {}) as { reused?: boolean; providerUsd?: number };
    const charged = outcome === 'completed' && !returned.reused;
    metrics.step({
      type: data.data.type,
      step: data.data.kind ?? data.data.step,
      queue: QUEUE_NAMES[cls],
      outcome,
      seconds,
      costUsd: charged ? workerCost(seconds, cls) + (returned.providerUsd ?? 0) : 0,
    });
  };

  // BullMQ does not close connections it was given: keep them to close ourselves.
  const connections: Redis[] = [];
  const workers = queues.map((cls) => {
    const connection = deps.redis.duplicate();
    connections.push(connection);
    const worker = new Worker(
      QUEUE_NAMES[cls],
      (job: Job, token?: string) => processStep(job, stepDeps, token),
      {
        connection,
        concurrency: deps.concurrency ?? 2,
        prefix: deps.prefix,
        lockDuration,
        stalledInterval: Math.max(1_000, Math.round(lockDuration / 2)),
        maxStalledCount: 2,
        // Steps retry after 1×, 3×, 9× their catalog backoff (flow-plan names this strategy).
        settings: { backoffStrategy: stepBackoff },
      },
    );
    worker.on('completed', (job, result) => recordStep(cls, job, 'completed', result));
    worker.on('failed', (job, err) => {
      recordStep(cls, job, 'failed');
      deps.log.warn(
        { bullId: job?.id, name: job?.name, attempts: job?.attemptsMade, err: err.message },
        'step failed',
      );
      handleStepFailure(job, err, { sql: deps.sql, emitter, log: deps.log, redis: deps.redis }).catch(
        (e: unknown) => deps.log.error({ err: e }, 'could not end failed job'),
      );
    });
    worker.on('error', (err) => deps.log.error({ err }, 'worker error'));
    return worker;
  });
  const listening = cancels.start(deps.redis, deps.prefix);
  return {
    workers,
    cancels,
    emitter,
    jobTypes,
    declined,
    ready: async () => {
      await Promise.all([...workers.map((w) => w.waitUntilReady()), listening]);
    },
    close: once(async () => {
      await Promise.all(workers.map((w) => w.close()));
      await cancels.stop();
      for (const c of connections) c.disconnect();
    }),
  };
}
