import type { JobType } from '@clapboard/shared/jobs';
import { JOB_CATALOG } from '@clapboard/shared/jobs';
import type { Sql } from '../db/connect-db';
import { finishJob } from './finish-job';
import { buildFlow, rootJobId } from './flow-plan';
import type { JobEmitter } from './job-events';
import type { JobQueues } from './job-queues';
import type { JobRow } from './job-row';
import { PlanUnavailableError, planFor } from './plan-for';

/**
 * Re-enqueues queued jobs older than `olderThanSec` whose root BullMQ job is missing (the API
 * died between writing the row and adding the flow), with the same plan submit would have made
 * (`planFor`). Deterministic BullMQ ids make it idempotent, so every API instance may run it. A
 * job that can no longer be planned (its render's version is gone) fails with the reason.
 *
 * @returns the ids it re-enqueued
 */
export async function reconcileQueuedJobs(
  sql: Sql,
  queues: JobQueues,
  olderThanSec = 30,
  emitter?: JobEmitter,
): Promise<string[]> {
  const rows = await sql<JobRow[]>`
    select * from jobs where status = 'queued' and created_at < now() - make_interval(secs => ${olderThanSec})
    order by created_at limit 500`;
  const fixed: string[] = [];
  for (const row of rows) {
    const type = row.type as JobType;
    const def = JOB_CATALOG[type];
    if (!def) continue; // a type this version no longer knows: left for an operator
    if (await queues.queues[def.resourceClass].getJob(rootJobId(row.id, row.run))) continue;
    try {
      const planned = await planFor(sql, { type, params: row.params, versionId: row.version_id });
      await queues.flows.add(
        buildFlow({
          jobId: row.id,
          projectId: row.project_id,
          type,
          run: row.run,
          params: row.params,
          priority: row.priority,
          plan: planned.plan,
          estimate: planned.estimate,
        }),
      );
      fixed.push(row.id);
    } catch (err) {
      if (!(err instanceof PlanUnavailableError)) throw err;
      await finishJob(sql, emitter, row.id, { status: 'failed', error: err.message });
    }
  }
  return fixed;
}
