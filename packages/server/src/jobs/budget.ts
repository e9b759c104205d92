import type { BudgetFigures } from '@clapboard/shared/jobs';
import type postgres from 'postgres';
import type { Sql } from '../db/connect-db';

/**
 * `spent` (the project's ledger) and `reserved` (estimates of its live jobs not yet charged) as
 * one select list, for `budgetFigures` and for statements that read them beside a write.
 * `project` is the project id: a value, or a column of the caller's statement (a fragment).
 * A job's charges are kept on its row (`cost_actual_usd`, written with each ledger entry), so
 * `reserved` reads only the project's live jobs, through their partial index.
 */
export function budgetSumsSql(sql: Sql, project: string | postgres.PendingQuery<postgres.Row[]>) {
  const id = typeof project === 'string' ? sql`${project}::uuid` : project;
  return sql`
      (select coalesce(sum(amount_usd), 0) from cost_ledger where project_id = ${id}) as spent,
      (select coalesce(sum(greatest(lj.cost_estimate_usd - lj.cost_actual_usd, 0)), 0) from jobs lj
         where lj.project_id = ${id} and lj.status in ('queued', 'running')) as reserved`;
}

/** The figures when a project has no limits: what `budgetFigures` returns from its sums. */
export function unlimitedFigures(estimateUsd: number, spent: unknown, reserved: unknown): BudgetFigures {
  return {
    estimateUsd,
    spentUsd: Number(spent ?? 0),
    reservedUsd: Number(reserved ?? 0),
    softLimitUsd: null,
    hardLimitUsd: null,
    remainingUsd: null,
  };
}

/**
 * Budget figures for a project if a job costing `estimateUsd` were added: spent (ledger),
 * reserved (estimates of live jobs not yet charged), limits, and what remains under the hard one.
 */
export async function budgetFigures(sql: Sql, projectId: string, estimateUsd = 0): Promise<BudgetFigures> {
  const [row] = await sql<{ spent: number; reserved: number; soft: number | null; hard: number | null }[]>`
    select
      ${budgetSumsSql(sql, projectId)},
      b.soft_limit_usd as soft,
      b.hard_limit_usd as hard
    from (select 1) one left join budgets b on b.project_id = ${projectId}`;
  const spent = Number(row?.spent ?? 0);
  const reserved = Number(row?.reserved ?? 0);
  const hard = row?.hard === null || row?.hard === undefined ? null : Number(row.hard);
  const soft = row?.soft === null || row?.soft === undefined ? null : Number(row.soft);
  return {
    estimateUsd,
    spentUsd: spent,
    reservedUsd: reserved,
    softLimitUsd: soft,
    hardLimitUsd: hard,
    remainingUsd: hard === null ? null : Math.max(0, Math.round((hard - spent - reserved) * 1e6) / 1e6),
  };
}
