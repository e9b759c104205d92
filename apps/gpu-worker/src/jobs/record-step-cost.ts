import type { Sql } from '@clapboard/server/db';
import { workerCost } from '@clapboard/server/jobs';
import type { ResourceClass } from '@clapboard/shared/jobs';

/**
 * Charges a finished step to the ledger: worker seconds × the class rate, plus provider charges.
 * The ledger's unique (job, step) means a retried or re-delivered step is charged once.
 */
export async function recordStepCost(
  sql: Sql,
  entry: {
    projectId: string;
    jobId: string;
    ledgerStep: string;
    resourceClass: ResourceClass;
    seconds: number;
    providerUsd?: number;
  },
): Promise<boolean> {
  const amount = workerCost(entry.seconds, entry.resourceClass) + (entry.providerUsd ?? 0);
  const rows = await sql`
    insert into cost_ledger (project_id, job_id, step, resource_class, seconds, amount_usd)
    values (${entry.projectId}, ${entry.jobId}, ${entry.ledgerStep}, ${entry.resourceClass}, ${entry.seconds}, ${amount})
    on conflict (job_id, step) do nothing
    returning id`;
  return rows.length === 1;
}
