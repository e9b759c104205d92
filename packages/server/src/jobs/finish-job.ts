import type { JobFinished, JobOutput } from '@clapboard/shared/jobs';
import type { Sql } from '../db/connect-db';
import { emitFinished, type JobEmitter } from './job-events';

/**
 * Moves a job to a terminal status exactly once. Only the caller whose update wins (the job was
 * still queued or running) emits `job:finished`; everyone else gets `false`. Actual cost is
 * summed from the ledger at this moment.
 */
export async function finishJob(
  sql: Sql,
  emitter: JobEmitter | undefined,
  jobId: string,
  outcome: { status: JobFinished['status']; error?: string; outputs?: JobOutput[] },
): Promise<boolean> {
  const outputs = outcome.outputs ?? [];
  const [row] = await sql<{ project_id: string }[]>`
    update jobs set
      status = ${outcome.status},
      error = ${outcome.error ?? null},
      outputs = ${sql.json(outputs as never)},
      finished_at = now(),
      cost_actual_usd = (select coalesce(sum(amount_usd), 0) from cost_ledger where job_id = ${jobId})
    where id = ${jobId} and status in ('queued', 'running')
    returning project_id`;
  if (!row) return false;
  emitter &&
    emitFinished(emitter, row.project_id, {
      jobId,
      status: outcome.status,
      outputs,
      ...(outcome.error ? { error: outcome.error } : {}),
    });
  return true;
}
