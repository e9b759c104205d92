import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sql } from '@clapboard/server/db';
import {
  FINALIZE_STEP,
  finishJob,
  JobCancelledError,
  type JobEmitter,
  jobStore,
  type ProgressTracker,
  type StepData,
  stepDataSchema,
} from '@clapboard/server/jobs';
import type { Logger } from '@clapboard/server/logger';
import { workerCost } from '@clapboard/shared/job-plan';
import {
  JOB_CATALOG,
  type JobDefinition,
  type JobOutput,
  type JobType,
  jobPayloadSchemas,
} from '@clapboard/shared/jobs';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { CANCELLED, type CancelRegistry } from './cancel-registry';
import type { Pipeline, PipelineRegistry, StepContext, StepResult } from './pipeline';
import { createProgressReporter } from './progress-reporter';
import { readCachedStep, stepCacheKey, writeCachedStep } from './step-cache';

/** What a step's BullMQ job returns: its result plus everything upstream, for later steps. */
export interface StepReturn extends StepResult {
  step: string;
  reused: boolean;
  upstream: Record<string, StepResult>;
}

export interface StepProcessorDeps {
  sql: Sql;
  emitter?: JobEmitter;
  /** The job service's progress arithmetic, shared by every worker of a job. */
  tracker: ProgressTracker;
  log: Logger;
  pipelines: PipelineRegistry;
  cancels: CancelRegistry;
  /** Parent folder of per-attempt scratch folders. */
  scratchRoot: string;
  /** Deletes an asset a failed or cancelled step created (row and blobs). */
  removeAsset: (assetId: string) => Promise<void>;
  /** Catalog entries for test pipelines that are not in the shared catalog. */
  definitions?: Record<string, JobDefinition>;
  /** How steps of a pipeline this worker cannot run are handed back; see DEFAULT_HANDBACK. */
  handback?: Partial<Handback>;
}

/**
 * A step of a type this worker has but cannot run (its pipeline is `unavailable`: a provider is
 * not configured here) goes back to the queue after `delayMs`, for a worker that can run it;
 * workers take jobs by queue, not by type, so one may well reach us. Once the step is older than
 * `limitMs` it fails with the pipeline's reason instead (every worker that can run it is gone).
 */
export interface Handback {
  delayMs: number;
  limitMs: number;
}
export const DEFAULT_HANDBACK: Handback = { delayMs: 1_000, limitMs: 60_000 };

export function definitionFor(
  type: string,
  deps: Pick<StepProcessorDeps, 'definitions'>,
): JobDefinition | undefined {
  return deps.definitions?.[type] ?? JOB_CATALOG[type as JobType];
}

/** The `warnings` (strings) a step's outputs carry in their values, once each. */
export function stepWarnings(outputs: readonly JobOutput[]): string[] {
  const found = new Set<string>();
  for (const o of outputs) {
    const list = (o.value as { warnings?: unknown } | undefined)?.warnings;
    if (Array.isArray(list)) for (const w of list) if (typeof w === 'string' && w) found.add(w.slice(0, 500));
  }
  return [...found];
}

/** Merges direct children's results and their upstream maps into one map by step key. */
async function gatherInputs(job: Job): Promise<Record<string, StepResult>> {
  const values = (await job.getChildrenValues()) as Record<string, StepReturn>;
  const inputs: Record<string, StepResult> = {};
  for (const v of Object.values(values)) {
    Object.assign(inputs, v.upstream);
    inputs[v.step] = { outputs: v.outputs, providerUsd: v.providerUsd };
  }
  return inputs;
}

/**
 * The BullMQ processor for every node of a Clapboard flow. Checks the job still wants to run
 * (not cancelled, not superseded), then either finalizes (root) or runs one step: reuse by
 * content address, else run with a reporter, an AbortSignal (cancel and timeout) and a scratch
 * folder; charge the ledger once; remove partial outputs on failure. Every row change goes
 * through the job service's store.
 */
export async function processStep(
  job: Job,
  deps: StepProcessorDeps,
  /** The worker's lock token, needed to hand a step back (see Handback). */
  token?: string,
): Promise<StepReturn | { outputs: JobOutput[] }> {
  const parsed = stepDataSchema.safeParse(job.data);
  if (!parsed.success)
    throw new UnrecoverableError(`Malformed job data: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const data: StepData = parsed.data;
  const pipeline = deps.pipelines.get(data.type) as Pipeline | undefined;
  const def = definitionFor(data.type, deps);
  if (!pipeline || !def)
    throw new UnrecoverableError(`This worker has no pipeline for job type "${data.type}".`);
  const log = deps.log.child({
    jobId: data.jobId,
    step: data.step,
    run: data.run,
    attempt: job.attemptsMade + 1,
  });

  const [row] = await deps.sql<{ status: string; run: number; cancel_requested_at: Date | null }[]>`
    select status, run, cancel_requested_at from jobs where id = ${data.jobId}`;
  if (!row) throw new UnrecoverableError('The job no longer exists.');
  if (row.run !== data.run) throw new UnrecoverableError(`Superseded by run ${row.run}.`);
  if (row.cancel_requested_at || row.status === 'cancelled') throw new JobCancelledError();
  if (row.status !== 'queued' && row.status !== 'running')
    throw new UnrecoverableError(`The job is already ${row.status}.`);

  // Collecting outputs (the finalize node) needs no provider; every other step does.
  if (pipeline.unavailable && data.step !== FINALIZE_STEP) {
    const handback = { ...DEFAULT_HANDBACK, ...deps.handback };
    if (!token || Date.now() - job.timestamp > handback.limitMs)
      throw new UnrecoverableError(pipeline.unavailable);
    log.info({ delayMs: handback.delayMs }, 'step handed back: this worker cannot run it as configured');
    await job.moveToDelayed(Date.now() + handback.delayMs, token);
    throw new DelayedError();
  }

  const inputs = await gatherInputs(job);
  if (data.step === FINALIZE_STEP) {
    const outputs = pipeline.collect
      ? pipeline.collect(inputs)
      : Object.values(inputs).flatMap((r) => r.outputs);
    await finishJob(
      deps.sql,
      deps.emitter,
      data.jobId,
      { status: 'completed', outputs },
      { progress: deps.tracker, run: data.run, projectId: data.projectId },
    );
    log.info({ outputs: outputs.length }, 'job completed');
    return { outputs };
  }

  // The plan names the step definition a node runs (`voice` for `scene-2/voice`).
  const defKey = data.kind ?? data.step;
  const stepDef = pipeline.steps[defKey];
  if (!stepDef) throw new UnrecoverableError(`Pipeline ${data.type} has no step "${defKey}".`);
  const payloadSchema = jobPayloadSchemas[data.type as JobType];
  const params = payloadSchema
    ? payloadSchema.safeParse(data.params)
    : { success: true as const, data: data.params };
  if (!params.success)
    throw new UnrecoverableError(`Invalid ${data.type} parameters: ${params.error.issues[0]?.message}`);

  await jobStore.startStep(deps.sql, data.jobId, data.run, data.step);
  const report = createProgressReporter({
    sql: deps.sql,
    tracker: deps.tracker,
    jobId: data.jobId,
    projectId: data.projectId,
    step: data.step,
    run: data.run,
    // Nodes queued before weights existed count as one second of a job of one second per step.
    weight: data.weight ?? 1,
    totalWeight: data.totalWeight ?? Math.max(1, def.steps.length),
    updateBull: (p) => job.updateProgress(p),
  });

  const controller = new AbortController();
  const unregister = deps.cancels.register(data.jobId, controller);
  const timeout = setTimeout(() => controller.abort('timeout'), def.timeoutSec * 1000);
  const created: string[] = [];
  const scratchDir = await mkdtemp(join(deps.scratchRoot, `${data.jobId}-`));
  const ctx: StepContext = {
    jobId: data.jobId,
    projectId: data.projectId,
    run: data.run,
    step: data.step,
    params: params.data as Record<string, unknown>,
    item: data.item,
    inputs,
    signal: controller.signal,
    scratchDir,
    report,
    log,
    sql: deps.sql,
    trackAsset: (id) => created.push(id),
  };
  const started = performance.now();
  try {
    const cacheInput = stepDef.cacheInput ? await stepDef.cacheInput(ctx) : undefined;
    const key =
      cacheInput === undefined
        ? null
        : stepCacheKey(data.projectId, stepDef.cacheType ?? data.type, defKey, stepDef.version, cacheInput);
    const cached = key ? await readCachedStep(deps.sql, key) : null;
    if (cached) {
      // A reused step did no work: its weight leaves the job's total instead of jumping the bar.
      await report.reused();
      // The outputs are recorded too, so the job shows what the reused step stands for (previews).
      await jobStore.endStep(deps.sql, data.jobId, data.run, data.step, {
        status: 'reused',
        outputs: cached.outputs,
      });
      await jobStore.addJobWarnings(deps.sql, data.jobId, stepWarnings(cached.outputs));
      log.info({ cacheKey: key }, 'step reused');
      return { step: data.step, reused: true, outputs: cached.outputs, upstream: inputs };
    }
    const result = await stepDef.run(ctx);
    if (controller.signal.aborted)
      throw controller.signal.reason === CANCELLED ? new JobCancelledError() : new Error('Step timed out.');
    const seconds = (performance.now() - started) / 1000;
    if (key && result.cacheable !== false)
      await writeCachedStep(deps.sql, data.projectId, key, defKey, result);
    await jobStore.chargeStep(deps.sql, {
      projectId: data.projectId,
      jobId: data.jobId,
      jobType: data.type,
      ledgerStep: data.run > 1 ? `run${data.run}:${data.step}` : data.step,
      resourceClass: def.resourceClass,
      seconds,
      amountUsd: workerCost(seconds, def.resourceClass) + (result.providerUsd ?? 0),
      ...(data.units !== undefined ? { timing: { kind: defKey, units: data.units } } : {}),
    });
    report({ stage: data.step, progress: 100, message: `${data.step} done` });
    await report.flush();
    await jobStore.endStep(deps.sql, data.jobId, data.run, data.step, {
      status: 'completed',
      outputs: result.outputs,
    });
    await jobStore.addJobWarnings(deps.sql, data.jobId, stepWarnings(result.outputs));
    log.info({ seconds: Math.round(seconds * 1000) / 1000 }, 'step completed');
    return { step: data.step, reused: false, ...result, upstream: inputs };
  } catch (err) {
    // No partial outputs survive a failed or cancelled attempt.
    for (const id of created)
      await deps
        .removeAsset(id)
        .catch((e: unknown) => log.warn({ err: e, assetId: id }, 'could not remove partial asset'));
    await report.flush();
    const cancelled = controller.signal.aborted && controller.signal.reason === CANCELLED;
    const message = cancelled
      ? new JobCancelledError().message
      : controller.signal.reason === 'timeout'
        ? `Step took longer than ${def.timeoutSec} s.`
        : err instanceof Error
          ? err.message
          : String(err);
    await jobStore.endStep(deps.sql, data.jobId, data.run, data.step, {
      status: cancelled ? 'cancelled' : 'failed',
      error: message,
    });
    if (cancelled) throw new JobCancelledError();
    if (err instanceof UnrecoverableError) throw err;
    throw err instanceof Error && controller.signal.reason !== 'timeout' ? err : new Error(message);
  } finally {
    clearTimeout(timeout);
    unregister();
    await rm(scratchDir, { recursive: true, force: true });
  }
}
