import type { Sql } from '@clapboard/server/db';
import { finishJob, JobCancelledError, type JobEmitter, stepDataSchema } from '@clapboard/server/jobs';
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
 * A parent failed by a child reads the child's step and reason: BullMQ stores the child's failure
 * in the same script that fails the parent (failParentOnFailure), so it is there when this runs,
 * and whichever of the two handlers ends the job writes the same sentence. The other finds the job
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
    // The child may sit in another queue (a cpu step under a gpu parent): its key names the queue,
    // so read its hash by that key rather than looking the id up in this worker's queue.
    const [childData, childReason] = await deps.redis
      .hmget(propagated[1], 'data', 'failedReason')
      .catch(() => [null, null]);
    const childStep = stepDataSchema.safeParse(parseJson(childData));
    if (childStep.success) step = childStep.data.step;
    reason = childReason ?? reason;
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

function parseJson(text: string | null | undefined): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}
