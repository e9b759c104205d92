import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sql } from '@clapboard/server/db';
import {
  FINALIZE_STEP,
  finishJob,
  type JobEmitter,
  type PlannedStep,
  type StepData,
  stepDataSchema,
} from '@clapboard/server/jobs';
import type { Logger } from '@clapboard/server/logger';
import {
  JOB_CATALOG,
  type JobDefinition,
  type JobOutput,
  type JobType,
  jobPayloadSchemas,
} from '@clapboard/shared/jobs';
import { type Job, UnrecoverableError } from 'bullmq';
import { CANCELLED, type CancelRegistry } from './cancel-registry';
import type { Pipeline, PipelineRegistry, StepContext, StepResult } from './pipeline';
import { createProgressReporter } from './progress-reporter';
import { recordStepCost } from './record-step-cost';
import { recordStepWarnings } from './record-step-warnings';
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
  log: Logger;
  pipelines: PipelineRegistry;
  cancels: CancelRegistry;
  /** Parent folder of per-attempt scratch folders. */
  scratchRoot: string;
  /** Deletes an asset a failed or cancelled step created (row and blobs). */
  removeAsset: (assetId: string) => Promise<void>;
  /** Catalog entries for test pipelines that are not in the shared catalog. */
  definitions?: Record<string, JobDefinition>;
}

/** The message a cancelled step fails with; the failure handler turns it into status `cancelled`. */
export const CANCELLED_MESSAGE = 'Job was cancelled.';

export function definitionFor(
  type: string,
  deps: Pick<StepProcessorDeps, 'definitions'>,
): JobDefinition | undefined {
  return deps.definitions?.[type] ?? JOB_CATALOG[type as JobType];
}

/** Distinct step keys in a plan tree (a prerequisite shared by two steps counts once). */
export function countPlannedSteps(plan: PlannedStep[]): number {
  const seen = new Set<string>();
  const walk = (p: PlannedStep) => {
    seen.add(p.step);
    for (const a of p.after ?? []) walk(a);
  };
  for (const p of plan) walk(p);
  return seen.size;
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
 * folder; charge the ledger once; remove partial outputs on failure.
 */
export async function processStep(
  job: Job,
  deps: StepProcessorDeps,
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
  if (row.cancel_requested_at || row.status === 'cancelled') throw new UnrecoverableError(CANCELLED_MESSAGE);
  if (row.status !== 'queued' && row.status !== 'running')
    throw new UnrecoverableError(`The job is already ${row.status}.`);

  const inputs = await gatherInputs(job);
  if (data.step === FINALIZE_STEP) {
    const outputs = pipeline.collect
      ? pipeline.collect(inputs)
      : Object.values(inputs).flatMap((r) => r.outputs);
    await finishJob(deps.sql, deps.emitter, data.jobId, { status: 'completed', outputs });
    log.info({ outputs: outputs.length }, 'job completed');
    return { outputs };
  }

  const defKey = pipeline.definitionOf?.(data.step) ?? data.step;
  const stepDef = pipeline.steps[defKey];
  if (!stepDef) throw new UnrecoverableError(`Pipeline ${data.type} has no step "${defKey}".`);
  const payloadSchema = jobPayloadSchemas[data.type as JobType];
  const params = payloadSchema
    ? payloadSchema.safeParse(data.params)
    : { success: true as const, data: data.params };
  if (!params.success)
    throw new UnrecoverableError(`Invalid ${data.type} parameters: ${params.error.issues[0]?.message}`);

  await deps.sql`update jobs set status = 'running', started_at = coalesce(started_at, now()) where id = ${data.jobId} and status = 'queued'`;
  await deps.sql`
    insert into job_steps (job_id, run, name, status, attempts, started_at)
    values (${data.jobId}, ${data.run}, ${data.step}, 'running', 1, now())
    on conflict (job_id, run, name) do update set status = 'running', attempts = job_steps.attempts + 1, started_at = now(), error = null`;

  // Where this step sits in the job's progress bar: every planned node gets an equal share, and a
  // step starts where the job already is (steps finished so far, never below what was shown), so
  // per-scene steps running in parallel do not send the bar backwards.
  const planned = Math.max(1, pipeline.plan ? countPlannedSteps(pipeline.plan(data)) : def.steps.length);
  const [{ done, shown }] = (await deps.sql`
    select
      (select count(*)::int from job_steps where job_id = ${data.jobId} and run = ${data.run} and status in ('completed', 'reused')) as done,
      coalesce((select (progress->>'progress')::real from jobs where id = ${data.jobId}), 0) as shown`) as unknown as [
    { done: number; shown: number },
  ];
  const from = Math.min(100, Math.max((done / planned) * 100, Number(shown)));
  const span = { from, to: Math.min(100, Math.max(from, ((done + 1) / planned) * 100)) };
  const report = createProgressReporter({
    sql: deps.sql,
    emitter: deps.emitter,
    jobId: data.jobId,
    projectId: data.projectId,
    step: data.step,
    run: data.run,
    span,
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
        : stepCacheKey(data.projectId, data.type, defKey, stepDef.version, cacheInput);
    const cached = key ? await readCachedStep(deps.sql, key) : null;
    if (cached) {
      report({
        stage: `${data.step}: reused`,
        progress: 100,
        message: `${data.step} reused from an earlier run`,
      });
      await report.flush();
      // The outputs are recorded too, so the job shows what the reused step stands for (previews).
      await deps.sql`
        update job_steps set status = 'reused', progress = 100, finished_at = now(),
          outputs = ${deps.sql.json(cached.outputs as never)}
        where job_id = ${data.jobId} and run = ${data.run} and name = ${data.step}`;
      await recordStepWarnings(deps.sql, data.jobId, cached.outputs);
      log.info({ cacheKey: key }, 'step reused');
      return { step: data.step, reused: true, outputs: cached.outputs, upstream: inputs };
    }
    const result = await stepDef.run(ctx);
    if (controller.signal.aborted)
      throw controller.signal.reason === CANCELLED
        ? new UnrecoverableError(CANCELLED_MESSAGE)
        : new Error('Step timed out.');
    const seconds = (performance.now() - started) / 1000;
    if (key && result.cacheable !== false)
      await writeCachedStep(deps.sql, data.projectId, key, defKey, result);
    await recordStepCost(deps.sql, {
      projectId: data.projectId,
      jobId: data.jobId,
      ledgerStep: data.run > 1 ? `run${data.run}:${data.step}` : data.step,
      resourceClass: def.resourceClass,
      seconds,
      providerUsd: result.providerUsd,
    });
    report({ stage: data.step, progress: 100, message: `${data.step} done` });
    await report.flush();
    await deps.sql`update job_steps set status = 'completed', progress = 100, finished_at = now(), outputs = ${deps.sql.json(result.outputs as never)} where job_id = ${data.jobId} and run = ${data.run} and name = ${data.step}`;
    await recordStepWarnings(deps.sql, data.jobId, result.outputs);
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
      ? CANCELLED_MESSAGE
      : controller.signal.reason === 'timeout'
        ? `Step took longer than ${def.timeoutSec} s.`
        : err instanceof Error
          ? err.message
          : String(err);
    await deps.sql`update job_steps set status = ${cancelled ? 'cancelled' : 'failed'}, error = ${message.slice(0, 2000)} where job_id = ${data.jobId} and run = ${data.run} and name = ${data.step}`;
    if (cancelled) throw new UnrecoverableError(CANCELLED_MESSAGE);
    if (err instanceof UnrecoverableError) throw err;
    throw err instanceof Error && controller.signal.reason !== 'timeout' ? err : new Error(message);
  } finally {
    clearTimeout(timeout);
    unregister();
    await rm(scratchDir, { recursive: true, force: true });
  }
}
