import type { JobFinished, JobOutput } from '@clapboard/shared/jobs';
import type { Sql } from '../db/connect-db';
import { createNotifications } from '../notifications/create-notifications';
import { emitFinished, type JobEmitter } from './job-events';
import type { ProgressTracker } from './job-progress';
import { endJob } from './job-store';

/**
 * Moves a job to a terminal status exactly once. Only the caller whose update wins (the job was
 * still queued or running) emits `job:finished` (after the final 100 % `job:progress` for a
 * completed job, when a tracker is given) and, for a render, notifies its requester; everyone
 * else gets `false`. The actual cost is summed from the ledger at this moment.
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
  const row = await endJob(sql, jobId, { ...outcome, outputs, progress: final });
  if (!row) return false;
  if (final && tracker) await tracker.progress.complete(jobId, tracker.projectId, tracker.run);
  emitter &&
    emitFinished(emitter, row.project_id, {
      jobId,
      status: outcome.status,
      outputs,
      run: row.run,
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
