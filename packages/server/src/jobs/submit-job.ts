import type { PlanInput } from '@clapboard/shared/job-plan';
import type { BudgetFigures, Job, JobType } from '@clapboard/shared/jobs';
import { JOB_CATALOG } from '@clapboard/shared/jobs';
import { restartVariants } from '../campaigns/variant-store';
import type { Sql } from '../db/connect-db';
import { budgetFigures, unlimitedFigures } from './budget';
import { type CampaignSoftNotice, checkCampaignBudget, notifyCampaignOwners } from './campaign-budget';
import { flowOfRun } from './flow-plan';
import { announceJob, emitProjectEvent, type JobEmitter } from './job-events';
import { clearOutbox } from './job-outbox';
import type { JobQueues } from './job-queues';
import { type JobRow, rowToJob } from './job-row';
import { deleteUnqueuedJob, insertJob, insertUnlimitedJob, restartJob } from './job-store';
import { type PlannedJob, planFor } from './plan-for';

export interface SubmitJobInput {
  projectId: string;
  userId: string;
  type: JobType;
  /** Already parsed against `jobPayloadSchemas[type]`. */
  params: Record<string, unknown>;
  priority?: number;
  idempotencyKey?: string;
  /** The version a render shows (pinned by `pinRenderVersion`). */
  versionId?: string | null;
  /** The plan input from `JobInputs.prepare`, so the plan does not read the pinned inputs again. */
  planInput?: PlanInput;
  /** Sentences for the user found while preparing the job (stored with it, before budget ones). */
  warnings?: string[];
  /** The clock a campaign's budget day is read from; default now (tests move it). */
  now?: Date;
  /**
   * Writes what belongs to the new job (e.g. its variants' rows) in the transaction that inserts
   * it, so both exist or neither does; not called when an idempotency key replays a job.
   */
  onInserted?: (tx: Sql, row: JobRow) => Promise<void>;
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

export interface BudgetLimits {
  soft: number | null;
  hard: number | null;
}

/** The project's soft and hard limits (null when unset). */
export async function budgetLimits(sql: Sql, projectId: string): Promise<BudgetLimits> {
  const [row] = await sql<{ soft: string | null; hard: string | null }[]>`
    select soft_limit_usd as soft, hard_limit_usd as hard from budgets where project_id = ${projectId}`;
  const num = (v: string | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return { soft: num(row?.soft), hard: num(row?.hard) };
}

/**
 * Checks `estimateUsd` against the project's budget and then its campaign's
 * (`checkCampaignBudget`) inside the caller's transaction. With a hard limit the project row is
 * locked first (then the campaign's budget row), so two jobs (submitted or retried) cannot both
 * squeeze under it; without one, submissions proceed in parallel.
 *
 * @param now the clock the campaign's day is read from (default now)
 * @throws BudgetExceededError past the project's hard limit
 * @throws CampaignBudgetExceededError past a hard limit of the project's campaign
 * @returns the project's figures, the warning sentences of soft limits passed, and the campaign
 *   soft-limit notices to send once the job is committed
 */
export async function checkBudget(
  tx: Sql,
  projectId: string,
  estimateUsd: number,
  now: Date = new Date(),
): Promise<{ figures: BudgetFigures; warnings: string[]; notices: CampaignSoftNotice[] }> {
  const limits = await budgetLimits(tx, projectId);
  if (limits.hard !== null) await tx`select id from projects where id = ${projectId} for update`;
  const figures = await budgetFigures(tx, projectId, estimateUsd);
  const committed = figures.spentUsd + figures.reservedUsd + estimateUsd;
  if (figures.hardLimitUsd !== null && committed > figures.hardLimitUsd)
    throw new BudgetExceededError(figures);
  const warning =
    figures.softLimitUsd !== null && committed > figures.softLimitUsd
      ? `Soft budget passed: spent $${figures.spentUsd.toFixed(4)} + reserved $${figures.reservedUsd.toFixed(4)} + this job $${estimateUsd.toFixed(4)} > $${figures.softLimitUsd.toFixed(4)}.`
      : null;
  const campaign = await checkCampaignBudget(tx, projectId, estimateUsd, now);
  return {
    figures,
    warnings: [...(warning ? [warning] : []), ...campaign.warnings],
    notices: campaign.notices,
  };
}

/**
 * Clears the outbox rows of runs whose flows were just added. A failure is harmless: a dispatcher
 * finds the flow already there and clears the row itself.
 */
export function clearOutboxQuietly(sql: Sql, rows: readonly JobRow[]): Promise<void> {
  return clearOutbox(
    sql,
    rows.map((r) => ({ jobId: r.id, run: r.run })),
  ).catch(() => {});
}

/**
 * Where a submitted run's flow goes: `JobQueues` adds it right after the commit (and clears the
 * outbox row); `null` leaves it to the outbox dispatcher on the Node side (the edge API, which
 * holds no queue connections between requests), about OUTBOX_GRACE_MS later.
 */
export type SubmitQueues = JobQueues | null;

/** Adds the run's flow; on failure `onFail` undoes the row change and the error says nothing was queued. */
async function enqueueRun(
  queues: SubmitQueues,
  row: JobRow,
  planned: PlannedJob,
  onFail: () => Promise<void>,
) {
  if (!queues) return;
  try {
    await queues.flows.add(flowOfRun(row, planned));
  } catch (err) {
    await onFail();
    throw enqueueFailed(err);
  }
}

/** Adding a flow failed: nothing was created, and the error says so. */
export function enqueueFailed(err: unknown): EnqueueFailedError {
  return new EnqueueFailedError(
    `Could not queue the job (${err instanceof Error ? err.message : String(err)}). Nothing was created; try again.`,
  );
}

/**
 * After a job's commit: a `budget:warning` event per soft limit it passed, and the campaign's
 * owners told of campaign soft limits passed first today. The job is already queued, so a failed
 * notification does not fail the submission (the job's warnings carry the same sentences).
 */
async function warnBudget(
  sql: Sql,
  emitter: JobEmitter | undefined,
  projectId: string,
  jobId: string,
  check: { warnings: readonly string[]; notices: readonly CampaignSoftNotice[]; figures: BudgetFigures },
) {
  if (emitter)
    for (const message of check.warnings)
      emitProjectEvent(emitter, {
        projectId,
        type: 'budget:warning',
        payload: { jobId, message, figures: check.figures },
        at: new Date().toISOString(),
      });
  if (check.notices.length)
    await notifyCampaignOwners(sql, emitter, projectId, jobId, check.notices).catch(() => {});
}

/**
 * Creates a job: plans it (`planFor`), estimates its cost, refuses past the hard budget of the
 * project or of its campaign (`checkBudget`; the lock-free path is taken only when neither has a
 * limit), writes the
 * `jobs` row and enqueues its BullMQ flow. The row is committed before the flow is added (so a
 * worker never sees a step before its row), and with it, by trigger, the run's `job_outbox` row,
 * cleared once the flow is added; if adding fails, the job row is deleted again. A crash between
 * the two is repaired by the outbox dispatcher (`job-outbox.ts`), which checks BullMQ's
 * deterministic node ids first, so the run is enqueued once.
 */
export async function submitJob(
  sql: Sql,
  queues: SubmitQueues,
  emitter: JobEmitter | undefined,
  input: SubmitJobInput,
  /** Called with each phase's wall time (ms): `plan`, `record`, `enqueue` (Server-Timing). */
  onSpan?: (name: string, ms: number) => void,
): Promise<SubmitJobResult> {
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      onSpan?.(name, performance.now() - t);
    }
  };
  const def = JOB_CATALOG[input.type];
  const planned = await timed('plan', () => planFor(sql, input));
  const priority = input.priority ?? def.priority;
  const newJob = (warnings: string[]) => ({
    projectId: input.projectId,
    userId: input.userId,
    type: input.type,
    params: input.params,
    priority,
    idempotencyKey: input.idempotencyKey,
    versionId: input.versionId,
    estimate: planned.estimate,
    warnings,
    audit: { actorId: input.userId, details: { type: input.type, estimateUsd: planned.estimate.usd } },
  });

  const outcome = await timed('record', async () => {
    // No idempotency key and (found by the statement itself) no budget limit: nothing to check or
    // serialise, so the row, its audit entry and the budget sums are one statement.
    if (!input.idempotencyKey && !input.onInserted) {
      const fast = await insertUnlimitedJob(sql, newJob(input.warnings ?? []));
      if (fast)
        return {
          row: fast.row,
          replayed: false,
          figures: unlimitedFigures(planned.estimate.usd, fast.spent, fast.reserved),
          warnings: input.warnings ?? [],
          budget: null,
        };
    }
    return sql.begin(async (tx) => {
      if (input.idempotencyKey) {
        const [existing] = await tx<JobRow[]>`
          select * from jobs where project_id = ${input.projectId} and idempotency_key = ${input.idempotencyKey}`;
        if (existing)
          return {
            row: existing,
            replayed: true,
            figures: await budgetFigures(tx as unknown as Sql, input.projectId, 0),
            warnings: [] as string[],
            budget: null,
          };
      }
      const check = await checkBudget(tx as unknown as Sql, input.projectId, planned.estimate.usd, input.now);
      const warnings = [...(input.warnings ?? []), ...check.warnings];
      const row = await insertJob(tx as unknown as Sql, newJob(warnings));
      await input.onInserted?.(tx as unknown as Sql, row);
      return { row, replayed: false, figures: check.figures, warnings, budget: check };
    });
  });

  const job = rowToJob(outcome.row);
  if (!outcome.replayed) {
    // Announced before it is queued: a worker cannot report progress on a job before the room
    // heard of it (the emitter's publish leaves before the queue's first round trip).
    announceJob(emitter, 'job:created', job);
    await timed('enqueue', async () => {
      await enqueueRun(queues, outcome.row, planned, () => deleteUnqueuedJob(sql, outcome.row.id));
      if (queues) await clearOutboxQuietly(sql, [outcome.row]);
    });
    if (outcome.budget) await warnBudget(sql, emitter, input.projectId, outcome.row.id, outcome.budget);
  }
  return {
    job,
    replayed: outcome.replayed,
    figures: outcome.figures,
    warnings: outcome.warnings,
  };
}

/** Only failed or cancelled jobs can run again. */
export class NotRetryableError extends Error {
  override name = 'NotRetryableError';
}

/**
 * Starts the next run of a failed or cancelled job: the same plan as submit (`planFor`, a render
 * over the version it pinned), the same estimate, checked against the budget under the same
 * project lock, then the new run's flow. Finished steps are reused by their content address.
 *
 * @throws NotRetryableError when the job is not failed or cancelled (or changed meanwhile)
 * @throws BudgetExceededError past the hard budget
 * @throws CampaignBudgetExceededError past a hard limit of the project's campaign
 * @throws PlanUnavailableError when a render's version is gone
 */
export async function retryJob(
  sql: Sql,
  queues: SubmitQueues,
  emitter: JobEmitter | undefined,
  input: {
    jobId: string;
    userId: string;
    /** The clock a campaign's budget day is read from; default now. */
    now?: Date;
  },
): Promise<{ job: Job; figures: BudgetFigures }> {
  const [current] = await sql<JobRow[]>`select * from jobs where id = ${input.jobId}`;
  if (!current) throw new NotRetryableError('The job no longer exists.');
  if (current.status !== 'failed' && current.status !== 'cancelled')
    throw new NotRetryableError(
      `Only failed or cancelled jobs can be retried; this one is ${current.status}.`,
    );
  const planned = await planFor(sql, {
    type: current.type as JobType,
    params: current.params,
    versionId: current.version_id,
  });
  const outcome = await sql.begin(async (tx) => {
    const check = await checkBudget(
      tx as unknown as Sql,
      current.project_id,
      planned.estimate.usd,
      input.now,
    );
    const row = await restartJob(tx as unknown as Sql, input.jobId, planned.estimate);
    if (!row) throw new NotRetryableError('The job changed while retrying; reload it.');
    if (row.type === 'render.variants') await restartVariants(tx as unknown as Sql, row.id);
    await tx`insert into audit_log (project_id, actor_id, action, target_type, target_id, details) values (${row.project_id}, ${input.userId}, 'job.retry', 'job', ${row.id}, ${tx.json({ run: row.run, estimateUsd: planned.estimate.usd })})`;
    return { row, check };
  });
  // If the flow cannot be added now, the run stays queued and the outbox dispatcher adds it later.
  const queued = await enqueueRun(queues, outcome.row, planned, async () => {}).then(
    () => queues !== null,
    () => false,
  );
  if (queued) await clearOutboxQuietly(sql, [outcome.row]);
  await warnBudget(sql, emitter, outcome.row.project_id, outcome.row.id, outcome.check);
  const job = rowToJob(outcome.row);
  announceJob(emitter, 'job:updated', job);
  return { job, figures: outcome.check.figures };
}
