import type { BudgetFigures } from '@clapboard/shared/jobs';
import type postgres from 'postgres';
import type { Sql } from '../db/connect-db';

/**
 * `spent` (the project's ledger) and `reserved` (estimates of its live jobs not yet charged) as
 * one select list, for `budgetFigures` and for statements that read them beside a write.
 * `project` is the project id: a value, or a column of the caller's statement (a fragment).
 * Both are running totals in `project_cost_totals`, kept exact by triggers on `jobs` and
 * `cost_ledger` (migration 0007), so reading them costs one index lookup however many jobs and
 * ledger entries the project has. They are as of the statement's snapshot: callers that must not
 * race (a hard limit) read them after locking the project row.
 */
export function budgetSumsSql(sql: Sql, project: string | postgres.PendingQuery<postgres.Row[]>) {
  const id = typeof project === 'string' ? sql`${project}::uuid` : project;
  return sql`
      coalesce((select t.spent_usd from project_cost_totals t where t.project_id = ${id}), 0) as spent,
      coalesce((select t.reserved_usd from project_cost_totals t where t.project_id = ${id}), 0) as reserved`;
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
