import type { Sql } from '@clapboard/server/db';
import {
  bullJobId,
  finishJob,
  JobCancelledError,
  type JobEmitter,
  stepDataSchema,
} from '@clapboard/server/jobs';
import type { Logger } from '@clapboard/server/logger';
import type { Redis } from '@clapboard/server/redis';
import type { Job } from 'bullmq';

/** A failure is final when BullMQ will not retry it: unrecoverable, or out of attempts. */
export function isFinalFailure(job: Job, err: Error): boolean {
  return err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/** BullMQ's message on a parent failed by its child (failParentOnFailure). */
const PROPAGATED = /^child (\S+) failed$/;

/**
 * Called from the worker's `failed` event. On a final failure ends the job exactly once:
 * `cancelled` when a cancel was requested, else `failed` with a human reason naming the step.
 * A parent failed by a child reads the child's step and reason (`failedChild`), so whichever of
 * the two handlers ends the job writes the same sentence. The other finds the job
 * ended and does nothing (also when the child's worker died before its handler ran).
 */
export async function handleStepFailure(
  job: Job | undefined,
  err: Error,
  deps: { sql: Sql; emitter?: JobEmitter; log: Logger; redis: Redis },
): Promise<void> {
  if (!job || !isFinalFailure(job, err)) return;
  const data = stepDataSchema.safeParse(job.data);
  if (!data.success) return;
  let step = data.data.step;
  let reason = err.message;
  const propagated = PROPAGATED.exec(err.message);
  if (propagated?.[1]) {
    const child = await failedChild(deps, data.data.jobId, data.data.run, propagated[1]);
    if (child) {
      step = child.step;
      reason = child.reason ?? reason;
    }
  }
  // The step that failed says whether it was cancelled: the error's class here, or the status its
  // processor stored (a parent failed by a child has only the child's message, never matched).
  const [row] = await deps.sql<
    { cancel_requested_at: Date | null; run: number; step_status: string | null }[]
  >`
    select j.cancel_requested_at, j.run, s.status as step_status
    from jobs j
    left join job_steps s on s.job_id = j.id and s.run = j.run and s.name = ${step}
    where j.id = ${data.data.jobId}`;
  if (!row || row.run !== data.data.run) return;
  const cancelled =
    err instanceof JobCancelledError || row.cancel_requested_at !== null || row.step_status === 'cancelled';
  const ended = await finishJob(
    deps.sql,
    deps.emitter,
    data.data.jobId,
    cancelled
      ? { status: 'cancelled' }
      : { status: 'failed', error: `${step} failed: ${reason}`.slice(0, 2000) },
  );
  if (ended)
    deps.log.info({ jobId: data.data.jobId, step, status: cancelled ? 'cancelled' : 'failed' }, 'job ended');
}

/**
 * The child step named by BullMQ's "child <key> failed": first its row in Postgres, which the step
 * processor writes (status and reason) before BullMQ learns of the failure; then the child's own
 * BullMQ hash, for a child that never got to write its row (its worker died, or it stalled too
 * often). The key names the child's queue, so the hash is read by that key on the main connection.
 */
async function failedChild(
  deps: { sql: Sql; log: Logger; redis: Redis },
  jobId: string,
  run: number,
  key: string,
): Promise<{ step: string; reason: string | null } | undefined> {
  const bullId = key.slice(key.lastIndexOf(':') + 1);
  const rows = await deps.sql<{ name: string; error: string | null }[]>`
    select name, error from job_steps
    where job_id = ${jobId} and run = ${run} and status in ('failed', 'cancelled')`;
  const row = rows.find((r) => bullJobId(jobId, run, r.name) === bullId);
  if (row) return { step: row.name, reason: row.error };
  const [childData, childReason] = await deps.redis.hmget(key, 'data', 'failedReason').catch((e: unknown) => {
    deps.log.warn({ err: e, key }, 'could not read the failed child step');
    return [null, null];
  });
  const childStep = stepDataSchema.safeParse(parseJson(childData));
  if (!childStep.success) return undefined;
  return { step: childStep.data.step, reason: childReason ?? null };
}

function parseJson(text: string | null | undefined): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}
