import type { CampaignBudget, CampaignBudgetRefusal, CampaignLimit } from '@clapboard/shared/campaigns';
import type postgres from 'postgres';
import type { Sql } from '../db/connect-db';
import { createNotifications } from '../notifications/create-notifications';
import type { JobEmitter } from './job-events';

/**
 * A campaign's money as of `now`: its limits, its day in its time zone, and what it has committed
 * today and in all. "Committed" is spent (ledger entries of the campaign's projects) plus held
 * (the estimates of live jobs not yet charged): today counts ledger entries dated in the local day
 * and live jobs created in it; in all counts every ledger entry and every live job (from the
 * running totals `project_cost_totals`). A project counts with its whole history while it is in
 * the campaign, deleted projects included (their money was spent).
 */
export interface CampaignMoney {
  campaignId: string;
  campaignName: string;
  dailySoftUsd: number | null;
  dailyHardUsd: number | null;
  totalSoftUsd: number | null;
  totalHardUsd: number | null;
  /** IANA zone the campaign's days are counted in (UTC when no budget was set). */
  timezone: string;
  /** The local day that holds `now`, YYYY-MM-DD. */
  day: string;
  /** The next local midnight, when the daily limit lifts (ISO 8601, UTC). */
  dayEndsAt: string;
  todayUsd: number;
  totalUsd: number;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const usd = (v: unknown) => Math.round(Number(v ?? 0) * 1e6) / 1e6;

/**
 * Reads `CampaignMoney` for a campaign (null when there is no such campaign). `now` is the clock
 * the day is taken from: a parameter, so tests can move it without touching rows. The sums read
 * the campaign's projects through `projects_campaign_idx` and each project's ledger and live jobs
 * through their (project, created_at) indexes; callers that must not race (a hard limit) read
 * this after locking the campaign's budget row.
 */
export async function campaignMoney(sql: Sql, campaignId: string, now: Date): Promise<CampaignMoney | null> {
  const [row] = await sql<
    {
      campaign_id: string;
      name: string;
      daily_soft_usd: string | null;
      daily_hard_usd: string | null;
      total_soft_usd: string | null;
      total_hard_usd: string | null;
      timezone: string;
      day: string;
      day_end: Date;
      today_usd: string;
      total_usd: string;
    }[]
  >`
    select c.id as campaign_id, c.name, b.daily_soft_usd, b.daily_hard_usd, b.total_soft_usd, b.total_hard_usd,
      z.tz as timezone, d.day::text as day, d.day_end,
      (select coalesce(sum(l.amount_usd), 0) from projects p join cost_ledger l on l.project_id = p.id
        where p.campaign_id = c.id and l.created_at >= d.day_start and l.created_at < d.day_end)
      + (select coalesce(sum(job_reserved_usd(j.status, j.cost_estimate_usd, j.cost_actual_usd)), 0)
        from projects p join jobs j on j.project_id = p.id
        where p.campaign_id = c.id and j.status in ('queued', 'running')
          and j.created_at >= d.day_start and j.created_at < d.day_end) as today_usd,
      (select coalesce(sum(t.spent_usd + t.reserved_usd), 0)
        from projects p join project_cost_totals t on t.project_id = p.id where p.campaign_id = c.id) as total_usd
    from campaigns c
    left join campaign_budgets b on b.campaign_id = c.id
    cross join lateral (select coalesce(b.timezone, 'UTC') as tz) z
    cross join lateral (select ${now.toISOString()}::timestamptz at time zone z.tz as local) n
    cross join lateral (
      select n.local::date as day,
        date_trunc('day', n.local) at time zone z.tz as day_start,
        (date_trunc('day', n.local) + interval '1 day') at time zone z.tz as day_end) d
    where c.id = ${campaignId}`;
  if (!row) return null;
  return {
    campaignId: row.campaign_id,
    campaignName: row.name,
    dailySoftUsd: num(row.daily_soft_usd),
    dailyHardUsd: num(row.daily_hard_usd),
    totalSoftUsd: num(row.total_soft_usd),
    totalHardUsd: num(row.total_hard_usd),
    timezone: row.timezone,
    day: row.day,
    dayEndsAt: row.day_end.toISOString(),
    todayUsd: usd(row.today_usd),
    totalUsd: usd(row.total_usd),
  };
}

/**
 * The budget as `GET /campaigns/{id}/budget` shows it. `paused` is set while a hard limit is
 * reached (nothing is left under it, so every job is refused): `total` first, as it outlasts the
 * day. A job that merely does not fit in what is left is refused without the campaign showing
 * paused. `warnings` lists the soft limits passed.
 */
export function campaignBudgetView(m: CampaignMoney): CampaignBudget {
  const paused =
    m.totalHardUsd !== null && m.totalUsd >= m.totalHardUsd
      ? { limit: 'total' as const, until: null }
      : m.dailyHardUsd !== null && m.todayUsd >= m.dailyHardUsd
        ? { limit: 'daily' as const, until: m.dayEndsAt }
        : null;
  const warnings: CampaignLimit[] = [];
  if (m.dailySoftUsd !== null && m.todayUsd > m.dailySoftUsd) warnings.push('daily');
  if (m.totalSoftUsd !== null && m.totalUsd > m.totalSoftUsd) warnings.push('total');
  return {
    campaignId: m.campaignId,
    dailySoftUsd: m.dailySoftUsd,
    dailyHardUsd: m.dailyHardUsd,
    totalSoftUsd: m.totalSoftUsd,
    totalHardUsd: m.totalHardUsd,
    timezone: m.timezone,
    todayUsd: m.todayUsd,
    totalUsd: m.totalUsd,
    paused,
    warnings,
  };
}

/**
 * SQL: the project `project` (a value or a column of the caller's statement) is in a live campaign
 * that has a limit. The lock-free submit paths (`insertUnlimitedJob`, `insertJobBatch`) leave such
 * projects to `submitJob`, which checks the campaign's budget.
 */
export function campaignLimitedSql(sql: Sql, project: postgres.PendingQuery<postgres.Row[]>) {
  return sql`exists (
    select 1 from projects lp
    join campaigns lc on lc.id = lp.campaign_id and lc.deleted_at is null
    join campaign_budgets lb on lb.campaign_id = lc.id
    where lp.id = ${project} and (lb.daily_soft_usd is not null or lb.daily_hard_usd is not null
      or lb.total_soft_usd is not null or lb.total_hard_usd is not null))`;
}

/** A job would pass one of its campaign's hard limits; `refusal` is the 402's details. */
export class CampaignBudgetExceededError extends Error {
  override name = 'CampaignBudgetExceededError';
  constructor(
    readonly refusal: CampaignBudgetRefusal,
    campaignName: string,
    timezone: string,
  ) {
    const left = `$${refusal.remainingUsd.toFixed(4)} left of campaign "${campaignName}"'s ${refusal.limit} hard limit ($${refusal.limitUsd.toFixed(4)}${refusal.limit === 'daily' ? ' a day' : ''})`;
    const resumes =
      refusal.limit === 'daily'
        ? `New jobs fit again from midnight ${timezone} (${refusal.until}), or sooner if an owner raises the limit.`
        : 'New jobs fit again once an owner raises the limit.';
    super(`This job would cost about $${refusal.estimateUsd.toFixed(4)}, more than the ${left}. ${resumes}`);
  }
}

/** Soft limits a submission passed first today: their owners are told once the job is committed. */
export interface CampaignSoftNotice {
  campaignId: string;
  campaignName: string;
  limit: CampaignLimit;
  day: string;
  message: string;
}

export interface CampaignCheck {
  /** Sentences for the job's warnings (soft limits passed). */
  warnings: string[];
  /** Soft limits passed for the first time this campaign day (recorded in `campaign_budget_notices`). */
  notices: CampaignSoftNotice[];
}

/**
 * Checks `estimateUsd` against the budget of the project's campaign inside the caller's
 * transaction (after the project's own check, so locks are always taken project first, then
 * campaign). With a hard limit the campaign's budget row is locked first, so two jobs of the
 * campaign (in one project or in several, submitted or retried) cannot both squeeze under it.
 * Soft limits passed add a warning, and the first time each (limit, campaign day) is passed a
 * notice is recorded, to be sent with `notifyCampaignOwners` after the commit.
 *
 * @param now the clock the campaign's day is read from
 * @throws CampaignBudgetExceededError past a hard limit (total checked before daily)
 */
export async function checkCampaignBudget(
  tx: Sql,
  projectId: string,
  estimateUsd: number,
  now: Date,
): Promise<CampaignCheck> {
  const none: CampaignCheck = { warnings: [], notices: [] };
  const [limits] = await tx<{ campaign_id: string; hard: boolean; any: boolean }[]>`
    select b.campaign_id,
      (b.daily_hard_usd is not null or b.total_hard_usd is not null) as hard,
      (b.daily_soft_usd is not null or b.daily_hard_usd is not null
        or b.total_soft_usd is not null or b.total_hard_usd is not null) as any
    from projects p
    join campaigns c on c.id = p.campaign_id and c.deleted_at is null
    join campaign_budgets b on b.campaign_id = c.id
    where p.id = ${projectId}`;
  if (!limits?.any) return none;
  if (limits.hard)
    await tx`select 1 from campaign_budgets where campaign_id = ${limits.campaign_id} for update`;
  // Read after the lock: limits and sums as the last committed holder of the lock left them.
  const m = await campaignMoney(tx, limits.campaign_id, now);
  if (!m) return none;
  const committed = { daily: m.todayUsd, total: m.totalUsd };
  const hard = { daily: m.dailyHardUsd, total: m.totalHardUsd };
  const soft = { daily: m.dailySoftUsd, total: m.totalSoftUsd };
  for (const limit of ['total', 'daily'] as const) {
    const cap = hard[limit];
    if (cap !== null && committed[limit] + estimateUsd > cap)
      throw new CampaignBudgetExceededError(
        {
          campaignId: m.campaignId,
          limit,
          until: limit === 'daily' ? m.dayEndsAt : null,
          limitUsd: cap,
          committedUsd: committed[limit],
          estimateUsd,
          remainingUsd: Math.max(0, Math.round((cap - committed[limit]) * 1e6) / 1e6),
        },
        m.campaignName,
        m.timezone,
      );
  }
  const passed: Array<{ limit: CampaignLimit; message: string }> = [];
  for (const limit of ['daily', 'total'] as const) {
    const cap = soft[limit];
    if (cap !== null && committed[limit] + estimateUsd > cap)
      passed.push({
        limit,
        message: `Campaign "${m.campaignName}" ${limit} soft budget passed: ${limit === 'daily' ? `today (${m.day}, ${m.timezone})` : 'in all'} $${committed[limit].toFixed(4)} + this job $${estimateUsd.toFixed(4)} > $${cap.toFixed(4)}.`,
      });
  }
  if (passed.length === 0) return none;
  const fresh = await tx<{ limit_kind: CampaignLimit }[]>`
    insert into campaign_budget_notices ${tx(passed.map((p) => ({ campaign_id: m.campaignId, limit_kind: p.limit, day: m.day })))}
    on conflict do nothing returning limit_kind`;
  const isFresh = new Set(fresh.map((f) => f.limit_kind));
  return {
    warnings: passed.map((p) => p.message),
    notices: passed
      .filter((p) => isFresh.has(p.limit))
      .map((p) => ({
        campaignId: m.campaignId,
        campaignName: m.campaignName,
        limit: p.limit,
        day: m.day,
        message: p.message,
      })),
  };
}

/**
 * Tells the campaign's owners (campaign or client owners) of soft limits passed: one
 * `budget_soft_limit` notification per notice and owner. Call after the job's commit.
 */
export async function notifyCampaignOwners(
  sql: Sql,
  emitter: JobEmitter | undefined,
  projectId: string,
  jobId: string,
  notices: readonly CampaignSoftNotice[],
): Promise<void> {
  for (const n of notices) {
    const owners = await sql<{ user_id: string }[]>`
      select user_id from effective_campaign_roles where campaign_id = ${n.campaignId} and role = 'owner'`;
    await createNotifications(sql, emitter, {
      userIds: owners.map((o) => o.user_id),
      kind: 'budget_soft_limit',
      projectId,
      payload: {
        campaignId: n.campaignId,
        campaignName: n.campaignName,
        limit: n.limit,
        day: n.day,
        jobId,
        message: n.message,
      },
    });
  }
}
