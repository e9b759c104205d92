import type { Sql } from '../db/connect-db';
import { createNotifications } from '../notifications/create-notifications';
import { emitProjectEvent, type JobEmitter } from './job-events';
import type { JobRow } from './job-row';

/**
 * Announces a cost-variance alert that `endJob` just recorded for `row` (a completed job): one
 * `cost_variance` notification to each owner of the project (direct, campaign or client owners)
 * and a `cost:variance` event to `project:<id>`. Called once per job, by the caller whose
 * `endJob` completed it.
 */
export async function announceCostVariance(
  sql: Sql,
  emitter: JobEmitter | undefined,
  row: JobRow,
): Promise<void> {
  const estimateUsd = Number(row.cost_estimate_usd);
  const actualUsd = Number(row.cost_actual_usd);
  const [project] = await sql<{ name: string; campaign_id: string | null }[]>`
    select name, campaign_id from projects where id = ${row.project_id}`;
  const over = estimateUsd > 0 ? Math.round((actualUsd / estimateUsd - 1) * 100) : null;
  const message = `${row.type} in "${project?.name ?? 'a project'}" cost $${actualUsd.toFixed(4)}, ${over === null ? 'with no estimate' : `${over} % over its $${estimateUsd.toFixed(4)} estimate`}.`;
  const owners = await sql<{ user_id: string }[]>`
    select user_id from effective_project_roles where project_id = ${row.project_id} and role = 'owner'`;
  await createNotifications(sql, emitter, {
    userIds: owners.map((o) => o.user_id),
    kind: 'cost_variance',
    projectId: row.project_id,
    payload: { jobId: row.id, type: row.type, estimateUsd, actualUsd, message },
  });
  if (emitter)
    emitProjectEvent(emitter, {
      projectId: row.project_id,
      type: 'cost:variance',
      payload: {
        jobId: row.id,
        type: row.type,
        estimateUsd,
        actualUsd,
        campaignId: project?.campaign_id ?? null,
      },
      at: new Date().toISOString(),
    });
}
