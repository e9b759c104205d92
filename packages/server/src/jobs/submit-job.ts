import { type BudgetFigures, JOB_CATALOG, type Job, type JobType } from '@clapboard/shared/jobs';
import type { Sql } from '../db/connect-db';
import { budgetFigures } from './budget';
import { estimateCost } from './estimate-cost';
import { buildFlow, type PlannedStep } from './flow-plan';
import { emitProjectEvent, type JobEmitter } from './job-events';
import type { JobQueues } from './job-queues';
import { type JobRow, rowToJob } from './job-row';

export interface SubmitJobInput {
  projectId: string;
  userId: string;
  type: JobType;
  /** Already parsed against `jobPayloadSchemas[type]`. */
  params: Record<string, unknown>;
  priority?: number;
  idempotencyKey?: string;
  /** Scenes in the document, for per-scene cost. */
  sceneCount?: number;
  versionId?: string | null;
  /** Custom flow plan (render pipelines); default the catalog's steps in order. */
  plan?: PlannedStep[];
  /** Sentences for the user found while preparing the job (stored with it, before budget ones). */
  warnings?: string[];
}

export interface SubmitJobResult {
  job: Job;
  /** True when the idempotency key matched an existing job. */
  replayed: boolean;
  figures: BudgetFigures;
  warnings: string[];
}

/** The project's hard budget would be passed; carries the figures for the 402 body. */
export class BudgetExceededError extends Error {
  override name = 'BudgetExceededError';
  constructor(readonly figures: BudgetFigures) {
    super(
      `This job would cost about $${figures.estimateUsd.toFixed(4)}, more than the $${(figures.remainingUsd ?? 0).toFixed(4)} left of the project's hard budget.`,
    );
  }
}

/** Enqueueing failed after the row was written; the row was removed again. */
export class EnqueueFailedError extends Error {
  override name = 'EnqueueFailedError';
}

/**
 * Creates a job: estimates its cost, refuses past the hard budget, writes the `jobs` row and
 * enqueues its BullMQ flow. Submissions to one project are serialized (row lock) so two jobs
 * cannot both squeeze under the budget (only when a hard limit is set). The row is committed before the flow is added (so a worker
 * never sees a step before its row); if adding fails, the row is deleted again. A crash between
 * the two is repaired by `reconcileQueuedJobs`, whose deterministic BullMQ ids make it idempotent.
 */
export async function submitJob(
  sql: Sql,
  queues: JobQueues,
  emitter: JobEmitter | undefined,
  input: SubmitJobInput,
): Promise<SubmitJobResult> {
  const def = JOB_CATALOG[input.type];
  const estimate = estimateCost(input.type, input.params, { sceneCount: input.sceneCount });
  const priority = input.priority ?? def.priority;

  const outcome = await sql.begin(async (tx) => {
    // Only a hard budget needs submissions serialized (two jobs must not both squeeze under it);
    // without one, concurrent submissions to a project proceed in parallel.
    const [limits] = await tx<
      { hard: number | null }[]
    >`select hard_limit_usd as hard from budgets where project_id = ${input.projectId}`;
    if (limits?.hard !== null && limits?.hard !== undefined)
      await tx`select id from projects where id = ${input.projectId} for update`;
    if (input.idempotencyKey) {
      const [existing] = await tx<JobRow[]>`
        select * from jobs where project_id = ${input.projectId} and idempotency_key = ${input.idempotencyKey}`;
      if (existing)
        return {
          row: existing,
          replayed: true,
          figures: await budgetFigures(tx as unknown as Sql, input.projectId, 0),
          warnings: [] as string[],
          budgetWarning: null,
        };
    }
    const figures = await budgetFigures(tx as unknown as Sql, input.projectId, estimate.totalUsd);
    const committed = figures.spentUsd + figures.reservedUsd + estimate.totalUsd;
    if (figures.hardLimitUsd !== null && committed > figures.hardLimitUsd)
      throw new BudgetExceededError(figures);
    const budgetWarning =
      figures.softLimitUsd !== null && committed > figures.softLimitUsd
        ? `Soft budget passed: spent $${figures.spentUsd.toFixed(4)} + reserved $${figures.reservedUsd.toFixed(4)} + this job $${estimate.totalUsd.toFixed(4)} > $${figures.softLimitUsd.toFixed(4)}.`
        : null;
    const warnings = [...(input.warnings ?? []), ...(budgetWarning ? [budgetWarning] : [])];
    const [row] = await tx<JobRow[]>`
      insert into jobs (project_id, type, params, priority, idempotency_key, version_id, cost_estimate_usd, created_by, warnings)
      values (${input.projectId}, ${input.type}, ${tx.json(input.params as never)}, ${priority}, ${input.idempotencyKey ?? null},
              ${input.versionId ?? null}, ${estimate.totalUsd}, ${input.userId}, ${tx.json(warnings)})
      returning *`;
    await tx`
      insert into audit_log (project_id, actor_id, action, target_type, target_id, details)
      values (${input.projectId}, ${input.userId}, 'job.created', 'job', ${row!.id}, ${tx.json({ type: input.type, estimateUsd: estimate.totalUsd })})`;
    return { row: row!, replayed: false, figures, warnings, budgetWarning };
  });

  if (!outcome.replayed) {
    try {
      await queues.flows.add(
        buildFlow({
          jobId: outcome.row.id,
          projectId: input.projectId,
          type: input.type,
          run: 1,
          params: input.params,
          priority,
          plan: input.plan,
        }),
      );
    } catch (err) {
      await sql`delete from jobs where id = ${outcome.row.id}`;
      throw new EnqueueFailedError(
        `Could not queue the job (${err instanceof Error ? err.message : String(err)}). Nothing was created; try again.`,
      );
    }
    if (outcome.budgetWarning && emitter) {
      emitProjectEvent(emitter, 'budget:warning', {
        projectId: input.projectId,
        type: 'budget:warning',
        payload: { jobId: outcome.row.id, message: outcome.budgetWarning, figures: outcome.figures },
        at: new Date().toISOString(),
      });
    }
  }
  return {
    job: rowToJob(outcome.row),
    replayed: outcome.replayed,
    figures: outcome.figures,
    warnings: outcome.warnings,
  };
}

/**
 * Re-enqueues queued jobs older than `olderThanSec` whose root BullMQ job is missing (the API
 * died between writing the row and adding the flow). Safe to run from every API instance.
 * Returns the ids it re-enqueued.
 */
export async function reconcileQueuedJobs(
  sql: Sql,
  queues: JobQueues,
  olderThanSec = 30,
  plans?: (row: JobRow) => PlannedStep[] | undefined,
): Promise<string[]> {
  const rows = await sql<JobRow[]>`
    select * from jobs where status = 'queued' and created_at < now() - make_interval(secs => ${olderThanSec}) limit 500`;
  const fixed: string[] = [];
  for (const row of rows) {
    const type = row.type as JobType;
    const flow = buildFlow({
      jobId: row.id,
      projectId: row.project_id,
      type,
      run: row.run,
      params: row.params,
      priority: row.priority,
      plan: plans?.(row),
    });
    const queue = queues.queues[JOB_CATALOG[type].resourceClass];
    if (await queue.getJob(flow.opts!.jobId!)) continue;
    await queues.flows.add(flow);
    fixed.push(row.id);
  }
  return fixed;
}
