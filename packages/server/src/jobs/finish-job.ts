import type { JobFinished, JobOutput } from '@clapboard/shared/jobs';
import { settleVariants } from '../campaigns/variant-store';
import type { Sql } from '../db/connect-db';
import { createNotifications } from '../notifications/create-notifications';
import { announceCostVariance } from './cost-variance';
import { emitFinished, emitVariantChanged, type JobEmitter } from './job-events';
import type { ProgressTracker } from './job-progress';
import { endJob } from './job-store';

/**
 * Moves a job to a terminal status exactly once. Only the caller whose update wins (the job was
 * still queued or running) emits `job:finished` (after the final 100 % `job:progress` for a
 * completed job, when a tracker is given) and, for a render, notifies its requester; everyone
 * else gets `false`. The actual cost is summed from the ledger at this moment; a completed job
 * that cost more than COST_VARIANCE_ALERT over its estimate alerts its project's owners, and a
 * `render.variants` job's variant rows are settled in the same transaction (`settleVariants`).
 */
export async function finishJob(
  sql: Sql,
  emitter: JobEmitter | undefined,
  jobId: string,
  outcome: { status: JobFinished['status']; error?: string; outputs?: JobOutput[] },
  tracker?: { progress: ProgressTracker; run: number; projectId: string },
): Promise<boolean> {
  const outputs = outcome.outputs ?? [];
  const final =
    outcome.status === 'completed' && tracker
      ? { jobId, stage: 'completed', progress: 100, etaSec: 0, message: 'Done', run: tracker.run }
      : undefined;
  // A job and what it made end together: a render.variants job's rows settle in its transaction.
  let settled: string[] = [];
  const row = await sql.begin(async (tx) => {
    const ended = await endJob(tx as unknown as Sql, jobId, { ...outcome, outputs, progress: final });
    if (ended?.type === 'render.variants')
      settled = await settleVariants(tx as unknown as Sql, ended, { status: outcome.status, outputs });
    return ended;
  });
  if (!row) return false;
  // Rendered (or failed) variants change on every screen that shows them, the client's guests' too.
  if (emitter && settled.length) emitVariantChanged(emitter, row.project_id, settled, 'rendered', true);
  if (final && tracker) await tracker.progress.complete(jobId, tracker.projectId, tracker.run);
  emitter &&
    emitFinished(emitter, row.project_id, {
      jobId,
      status: outcome.status,
      outputs,
      run: row.run,
      ...(outcome.error ? { error: outcome.error } : {}),
    });
  // The alert row was written with the completion (endJob); only its winner announces it.
  if (row.cost_alerted) await announceCostVariance(sql, emitter, row);
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
