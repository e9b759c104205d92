import type { JobFinished, JobOutput } from '@clapboard/shared/jobs';
import type { Sql } from '../db/connect-db';
import { createNotifications } from '../notifications/create-notifications';
import { emitFinished, type JobEmitter } from './job-events';

/**
 * Moves a job to a terminal status exactly once. Only the caller whose update wins (the job was
 * still queued or running) emits `job:finished` (and, for a render, notifies its requester);
 * everyone else gets `false`. Actual cost is
 * summed from the ledger at this moment.
 */
export async function finishJob(
  sql: Sql,
  emitter: JobEmitter | undefined,
  jobId: string,
  outcome: { status: JobFinished['status']; error?: string; outputs?: JobOutput[] },
): Promise<boolean> {
  const outputs = outcome.outputs ?? [];
  const [row] = await sql<{ project_id: string; type: string; created_by: string | null }[]>`
    update jobs set
      status = ${outcome.status},
      error = ${outcome.error ?? null},
      outputs = ${sql.json(outputs as never)},
      finished_at = now(),
      cost_actual_usd = (select coalesce(sum(amount_usd), 0) from cost_ledger where job_id = ${jobId})
    where id = ${jobId} and status in ('queued', 'running')
    returning project_id, type, created_by`;
  if (!row) return false;
  emitter &&
    emitFinished(emitter, row.project_id, {
      jobId,
      status: outcome.status,
      outputs,
      ...(outcome.error ? { error: outcome.error } : {}),
    });
  // A finished render lands in its requester's inbox; other job types are watched where they start.
  if (row.type === 'render.video' && row.created_by && outcome.status !== 'cancelled')
    await createNotifications(sql, emitter, {
      userIds: [row.created_by],
      kind: 'render_finished',
      projectId: row.project_id,
      payload: { jobId, status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}) },
    });
  return true;
}
