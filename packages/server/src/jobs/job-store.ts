import { COST_VARIANCE_ALERT } from '@clapboard/shared/campaigns';
import type { JobEstimate } from '@clapboard/shared/job-plan';
import type { JobOutput, JobProgress, JobStatus, JobType, ResourceClass } from '@clapboard/shared/jobs';
import type { Role } from '@clapboard/shared/roles';
import type { Sql } from '../db/connect-db';
import { budgetSumsSql } from './budget';
import { campaignLimitedSql } from './campaign-budget';
import type { JobRow } from './job-row';

/**
 * The job store: the only code that writes `jobs`, `job_steps`, `step_timings` and the job
 * charges in `cost_ledger`. Every status change is a guarded UPDATE that names the statuses it
 * leaves, so the legal transitions below are the whole state machine and a racing caller simply
 * finds nothing to update.
 */
export const JOB_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  queued: ['running', 'completed', 'failed', 'cancelled'],
  running: ['completed', 'failed', 'cancelled'],
  completed: [],
  failed: ['queued'],
  cancelled: ['queued'],
};

/** Statuses that may move to `to` (the WHERE clause of that transition). */
export function statusesInto(to: JobStatus): JobStatus[] {
  return (Object.keys(JOB_TRANSITIONS) as JobStatus[]).filter((from) => JOB_TRANSITIONS[from].includes(to));
}

export type StepStatus = 'running' | 'completed' | 'reused' | 'failed' | 'cancelled';

/** Stored form of a plan's estimate (per-step seconds are the progress weights). */
export function estimateJson(estimate: JobEstimate) {
  return {
    seconds: estimate.seconds,
    steps: estimate.steps.map((s) => ({ step: s.step, kind: s.kind, units: s.units, seconds: s.seconds })),
  };
}

export interface NewJob {
  projectId: string;
  userId: string | null;
  type: JobType | string;
  params: Record<string, unknown>;
  priority: number;
  idempotencyKey?: string | null;
  versionId?: string | null;
  estimate: JobEstimate;
  warnings?: string[];
  /** Audit entry written by the same statement (`job.created` by the submitting user). */
  audit?: { actorId: string; details: Record<string, unknown> };
}

/**
 * Inserts a queued job, and its audit entry in the same statement (inside the caller's
 * transaction when `sql` is one).
 */
export async function insertJob(sql: Sql, job: NewJob): Promise<JobRow> {
  const insert = sql`
    insert into jobs (project_id, type, params, priority, idempotency_key, version_id, cost_estimate_usd, estimate, created_by, warnings)
    values (${job.projectId}, ${job.type}, ${sql.json(job.params as never)}, ${job.priority}, ${job.idempotencyKey ?? null},
            ${job.versionId ?? null}, ${job.estimate.usd}, ${sql.json(estimateJson(job.estimate) as never)}, ${job.userId},
            ${sql.json(job.warnings ?? [])})
    returning *`;
  if (!job.audit) return ((await insert) as unknown as JobRow[])[0]!;
  const [row] = await sql<JobRow[]>`
    with j as (${insert}),
    a as (
      insert into audit_log (project_id, actor_id, action, target_type, target_id, details)
      select project_id, ${job.audit.actorId}, 'job.created', 'job', id, ${sql.json(job.audit.details as never)} from j)
    select * from j`;
  return row!;
}

/**
 * Inserts a queued job with its audit entry only when neither the project nor its campaign has a
 * budget limit, and reads the project's spent and reserved sums (without this job) in the same
 * statement: a submission with nothing to check or serialise costs one round trip. Null when there
 * is a limit (the caller checks the budgets under their locks instead).
 */
export async function insertUnlimitedJob(
  sql: Sql,
  job: NewJob & { audit: NonNullable<NewJob['audit']> },
): Promise<{ row: JobRow; spent: unknown; reserved: unknown } | null> {
  const [row] = await sql<(JobRow & { spent: unknown; reserved: unknown })[]>`
    with j as (
      insert into jobs (project_id, type, params, priority, idempotency_key, version_id, cost_estimate_usd, estimate, created_by, warnings)
      select ${job.projectId}, ${job.type}, ${sql.json(job.params as never)}, ${job.priority}, ${job.idempotencyKey ?? null},
             ${job.versionId ?? null}, ${job.estimate.usd}, ${sql.json(estimateJson(job.estimate) as never)}, ${job.userId},
             ${sql.json(job.warnings ?? [])}
      where not exists (
        select 1 from budgets where project_id = ${job.projectId} and (soft_limit_usd is not null or hard_limit_usd is not null))
        and not ${campaignLimitedSql(sql, sql`${job.projectId}::uuid`)}
      returning *),
    a as (
      insert into audit_log (project_id, actor_id, action, target_type, target_id, details)
      select project_id, ${job.audit.actorId}, 'job.created', 'job', id, ${sql.json(job.audit.details as never)} from j)
    select j.*, ${budgetSumsSql(sql, job.projectId)} from j`;
  if (!row) return null;
  const { spent, reserved, ...rest } = row;
  return { row: rest as JobRow, spent, reserved };
}

/** Removes a job that never reached the queue (enqueueing failed right after the insert). */
export async function deleteUnqueuedJob(sql: Sql, jobId: string): Promise<void> {
  await sql`delete from jobs where id = ${jobId} and status = 'queued' and started_at is null`;
}

/**
 * Starts the next run of a failed or cancelled job with a fresh estimate (what was already
 * charged stays charged). Returns null when the job is no longer failed or cancelled.
 */
export async function restartJob(sql: Sql, jobId: string, estimate: JobEstimate): Promise<JobRow | null> {
  const [row] = await sql<JobRow[]>`
    update jobs set status = 'queued', run = run + 1, error = null, finished_at = null, started_at = null,
      cancel_requested_at = null, progress = null, outputs = '[]'::jsonb,
      cost_estimate_usd = cost_actual_usd + ${estimate.usd}, estimate = ${sql.json(estimateJson(estimate) as never)}
    where id = ${jobId} and status in ${sql(statusesInto('queued'))} returning *`;
  return row ?? null;
}

/** Marks a cancel request (kept until the job ends); null when the job already ended. */
export async function requestCancel(sql: Sql, jobId: string): Promise<JobRow | null> {
  const [row] = await sql<JobRow[]>`
    update jobs set cancel_requested_at = coalesce(cancel_requested_at, now())
    where id = ${jobId} and status in ${sql(statusesInto('cancelled'))} returning *`;
  return row ?? null;
}

export async function setJobPriority(sql: Sql, jobId: string, priority: number): Promise<JobRow | null> {
  const [row] = await sql<JobRow[]>`update jobs set priority = ${priority} where id = ${jobId} returning *`;
  return row ?? null;
}

/**
 * Records that a step attempt started: the job becomes running (once), the step row is created
 * or its attempt counted.
 */
export async function startStep(sql: Sql, jobId: string, run: number, step: string): Promise<void> {
  await sql`update jobs set status = 'running', started_at = coalesce(started_at, now()) where id = ${jobId} and status = 'queued'`;
  await sql`
    insert into job_steps (job_id, run, name, status, attempts, started_at)
    values (${jobId}, ${run}, ${step}, 'running', 1, now())
    on conflict (job_id, run, name) do update set status = 'running', attempts = job_steps.attempts + 1, started_at = now(), error = null`;
}

/** Ends a step attempt: completed or reused (with what it made), failed or cancelled (with why). */
export async function endStep(
  sql: Sql,
  jobId: string,
  run: number,
  step: string,
  outcome:
    | { status: 'completed' | 'reused'; outputs: readonly JobOutput[] }
    | { status: 'failed' | 'cancelled'; error: string },
): Promise<void> {
  if ('outputs' in outcome)
    await sql`
      update job_steps set status = ${outcome.status}, progress = 100, finished_at = now(),
        outputs = ${sql.json(outcome.outputs as never)}
      where job_id = ${jobId} and run = ${run} and name = ${step}`;
  else
    await sql`update job_steps set status = ${outcome.status}, error = ${outcome.error.slice(0, 2000)} where job_id = ${jobId} and run = ${run} and name = ${step}`;
}

/**
 * Keeps the latest progress for polling clients. Never moves the stored job progress backwards
 * (events from parallel steps may land out of order).
 */
export async function saveProgress(sql: Sql, run: number, event: JobProgress): Promise<void> {
  await sql`
    update jobs set progress = ${sql.json(event as never)}
    where id = ${event.jobId} and status = 'running' and run = ${run}
      and coalesce((progress->>'progress')::real, 0) <= ${event.progress}`;
  if (event.step)
    await sql`update job_steps set progress = ${event.stepProgress ?? 0} where job_id = ${event.jobId} and run = ${run} and name = ${event.step} and status = 'running'`;
}

/** Adds warnings (once each) to the job's list shown beside its result. */
export async function addJobWarnings(sql: Sql, jobId: string, warnings: readonly string[]): Promise<void> {
  if (!warnings.length) return;
  await sql`
    update jobs set warnings = (
      select coalesce(jsonb_agg(distinct w), '[]'::jsonb)
      from jsonb_array_elements(warnings || ${sql.json([...warnings])}) as w)
    where id = ${jobId}`;
}

/**
 * Charges a finished step to the ledger and remembers how long its work took, in one transaction.
 * The ledger's unique (job, step) means a retried or re-delivered step is charged (and measured)
 * once.
 *
 * @returns false when this step was already charged
 */
export async function chargeStep(
  sql: Sql,
  entry: {
    projectId: string;
    jobId: string;
    jobType: string;
    /** Ledger key: the step, prefixed with the run after the first. */
    ledgerStep: string;
    resourceClass: ResourceClass;
    seconds: number;
    amountUsd: number;
    /** Catalog step and its work units, for the learned estimates; omit to not learn. */
    timing?: { kind: string; units: number };
  },
): Promise<boolean> {
  return sql.begin(async (tx) => {
    // The job's row first: every writer takes a job row before its project's cost totals (which
    // the ledger and jobs triggers update), so a charge and a job ending cannot deadlock.
    await tx`select 1 from jobs where id = ${entry.jobId} for update`;
    const rows = await tx`
      insert into cost_ledger (project_id, job_id, step, resource_class, seconds, amount_usd)
      values (${entry.projectId}, ${entry.jobId}, ${entry.ledgerStep}, ${entry.resourceClass}, ${entry.seconds}, ${entry.amountUsd})
      on conflict (job_id, step) do nothing
      returning id`;
    if (rows.length !== 1) return false;
    await tx`update jobs set cost_actual_usd = cost_actual_usd + ${entry.amountUsd}, actual_sec = actual_sec + ${entry.seconds} where id = ${entry.jobId}`;
    if (entry.timing)
      await tx`
        insert into step_timings (job_type, step_kind, units, seconds, job_id)
        values (${entry.jobType}, ${entry.timing.kind}, ${entry.timing.units}, ${entry.seconds}, ${entry.jobId})`;
    return true;
  }) as Promise<boolean>;
}

/** A job as `endJob` left it, and whether its ending raised a cost-variance alert. */
export type EndedJobRow = JobRow & {
  /** Completed more than COST_VARIANCE_ALERT over its estimate: a `cost_alerts` row was written. */
  cost_alerted: boolean;
};

/**
 * Moves a job to a terminal status once; the actual cost is summed from the ledger at this moment.
 * A job that completes costing more than COST_VARIANCE_ALERT over its estimate gets its
 * `cost_alerts` row in the same statement, so the alert exists exactly when the completion does.
 * Returns the row when this call made the change, null when the job had already ended.
 */
export async function endJob(
  sql: Sql,
  jobId: string,
  outcome: {
    status: 'completed' | 'failed' | 'cancelled';
    error?: string;
    outputs: readonly JobOutput[];
    progress?: JobProgress;
  },
): Promise<EndedJobRow | null> {
  const [row] = await sql<EndedJobRow[]>`
    with j as (
      update jobs set
        status = ${outcome.status},
        error = ${outcome.error ?? null},
        outputs = ${sql.json(outcome.outputs as never)},
        finished_at = now(),
        progress = ${outcome.progress ? sql.json(outcome.progress as never) : sql`progress`},
        cost_actual_usd = (select coalesce(sum(amount_usd), 0) from cost_ledger where job_id = ${jobId}),
        actual_sec = (select coalesce(sum(seconds), 0) from cost_ledger where job_id = ${jobId})
      where id = ${jobId} and status in ${sql(statusesInto(outcome.status))}
      returning *),
    a as (
      insert into cost_alerts (job_id, project_id, campaign_id, estimate_usd, actual_usd)
      select j.id, j.project_id, p.campaign_id, j.cost_estimate_usd, j.cost_actual_usd
      from j join projects p on p.id = j.project_id
      where j.status = 'completed' and j.cost_actual_usd > j.cost_estimate_usd * (1 + ${COST_VARIANCE_ALERT}::numeric)
      on conflict (job_id) do nothing
      returning job_id)
    select j.*, exists (select 1 from a) as cost_alerted from j`;
  return row ?? null;
}

/** One submission of `insertJobBatch`: the job, who asks, and what the statement must check. */
export interface BatchedNewJob {
  /** The job's id, chosen by the caller so it can match the answer to its submission. */
  id: string;
  projectId: string;
  userId: string;
  type: JobType;
  params: Record<string, unknown>;
  priority: number;
  estimate: JobEstimate;
  /** Roles that may submit (the caller's role in the live project must be one of them). */
  roles: readonly Role[];
  /** Asset ids the payload names; each must be a live asset of the project. */
  assetIds: readonly string[];
}

/** What `insertJobBatch` found for one submission; `row` is set when it was inserted. */
export interface BatchedInsert {
  id: string;
  /** The caller's role in the live project; null when not a member or the project is gone. */
  role: Role | null;
  /** Payload asset ids that are not live assets of the project (null when all are). */
  missing: string[] | null;
  /** The project or its campaign has a budget limit: not inserted here (the caller serialises it instead). */
  limited: boolean;
  row: JobRow | null;
  /** The project's spent and reserved sums before this statement (set when `row` is). */
  spent: unknown;
  reserved: unknown;
}

/**
 * The batch statement: per submission, its caller's role in the live project, the asset ids that
 * are not live assets of the project, and whether the project or its campaign has a budget limit; the submissions
 * that pass all three inserted (with their `job.created` audit entries), and the budget sums of
 * their projects as they stood before the statement. One answer per submission, in input order.
 */
export async function insertJobBatch(sql: Sql, jobs: readonly BatchedNewJob[]): Promise<BatchedInsert[]> {
  const items = jobs.map((j, ord) => ({
    ord,
    id: j.id,
    project_id: j.projectId,
    user_id: j.userId,
    roles: j.roles,
    asset_ids: j.assetIds,
    type: j.type,
    params: j.params,
    priority: j.priority,
    estimate_usd: j.estimate.usd,
    estimate: estimateJson(j.estimate),
    audit: { type: j.type, estimateUsd: j.estimate.usd },
  }));
  const rows = await sql<
    (JobRow & {
      batch_id: string;
      batch_role: Role | null;
      batch_missing: string[] | null;
      batch_limited: boolean;
      batch_spent: unknown;
      batch_reserved: unknown;
    })[]
  >`
    with x as (
      select * from jsonb_to_recordset(${sql.json(items as never)}) as x(
        ord int, id uuid, project_id uuid, user_id uuid, roles text[], asset_ids uuid[], type text,
        params jsonb, priority int, estimate_usd numeric, estimate jsonb, audit jsonb)),
    c as (
      select x.*, m.role,
        (select array_agg(wanted::text) from unnest(x.asset_ids) wanted
          where not exists (
            select 1 from assets a where a.id = wanted and a.project_id = x.project_id and a.deleted_at is null)) as missing,
        (exists (
          select 1 from budgets b
          where b.project_id = x.project_id and (b.soft_limit_usd is not null or b.hard_limit_usd is not null))
          or ${campaignLimitedSql(sql, sql`x.project_id`)}) as limited
      from x
      left join projects p on p.id = x.project_id and p.deleted_at is null
      left join effective_project_roles m on m.project_id = p.id and m.user_id = x.user_id),
    ok as (select * from c where role = any(roles) and missing is null and not limited),
    s as (
      select d.project_id, ${budgetSumsSql(sql, sql`d.project_id`)}
      from (select distinct project_id from ok) d),
    j as (
      insert into jobs (id, project_id, type, params, priority, cost_estimate_usd, estimate, created_by, warnings)
      select id, project_id, type, params, priority, estimate_usd, estimate, user_id, '[]'::jsonb from ok order by ord
      returning *),
    a as (
      insert into audit_log (project_id, actor_id, action, target_type, target_id, details)
      select ok.project_id, ok.user_id, 'job.created', 'job', ok.id, ok.audit from ok order by ord)
    select c.id::text as batch_id, c.role as batch_role, c.missing as batch_missing, c.limited as batch_limited,
      s.spent as batch_spent, s.reserved as batch_reserved, j.*
    from c left join j on j.id = c.id left join s on s.project_id = c.project_id
    order by c.ord`;
  return rows.map((r) => {
    const { batch_id, batch_role, batch_missing, batch_limited, batch_spent, batch_reserved, ...row } = r;
    return {
      id: batch_id,
      role: batch_role,
      missing: batch_missing,
      limited: batch_limited,
      row: row.id ? (row as JobRow) : null,
      spent: batch_spent,
      reserved: batch_reserved,
    };
  });
}

/** Removes jobs that never reached the queue (their batch's flows could not be added). */
export async function deleteUnqueuedJobs(sql: Sql, jobIds: readonly string[]): Promise<void> {
  if (jobIds.length === 0) return;
  await sql`delete from jobs where id in ${sql(jobIds)} and status = 'queued' and started_at is null`;
}
