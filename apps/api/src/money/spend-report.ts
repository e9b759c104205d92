import type { Sql } from '@clapboard/server/db';
import {
  DEFAULT_SPEND_DAYS,
  MAX_SPEND_DAYS,
  type SpendReport,
  type SpendRow,
} from '@clapboard/shared/campaigns';
import type postgres from 'postgres';
import { badRequest } from '../errors/http-error';

const DAY_MS = 86_400_000;

/** A YYYY-MM-DD that names a real day (the schema checks only its shape: 2026-02-31 is refused here). */
function dayMs(day: string, field: string): number {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day)
    throw badRequest(`${field} is not a real day: ${day}.`, { field });
  return ms;
}

/**
 * The days a report covers: `to` defaults to `today` (the report's local day), `from` to
 * DEFAULT_SPEND_DAYS days ending at `to`. 400 when `from` is after `to` or the range is longer
 * than MAX_SPEND_DAYS days.
 */
export function spendRange(q: { from?: string; to?: string }, today: string): { from: string; to: string } {
  const to = q.to ?? today;
  const toMs = dayMs(to, 'to');
  const from = q.from ?? new Date(toMs - (DEFAULT_SPEND_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  const fromMs = dayMs(from, 'from');
  if (fromMs > toMs) throw badRequest(`from (${from}) is after to (${to}).`, { field: 'from' });
  const days = (toMs - fromMs) / DAY_MS + 1;
  if (days > MAX_SPEND_DAYS)
    throw badRequest(`A spend report covers at most ${MAX_SPEND_DAYS} days; ${from}..${to} is ${days}.`, {
      field: 'from',
      maxDays: MAX_SPEND_DAYS,
    });
  return { from, to };
}

/** What a report covers: its campaigns (trusted SQL selecting `id` from `campaigns`), its zone. */
export interface SpendScope {
  /** `select id from campaigns where …`: the campaigns reported, each a `byCampaign` row. */
  campaigns: postgres.PendingQuery<postgres.Row[]>;
  /** IANA zone the days are counted in. */
  timezone: string;
}

const usd = (v: unknown) => Math.round(Number(v ?? 0) * 1e6) / 1e6;

interface RawRow {
  id: string | null;
  name: string;
  spent: number;
  est: number;
  jobs: number;
}
const spendRow = (r: RawRow): SpendRow => ({
  id: r.id,
  name: r.name,
  spentUsd: usd(r.spent),
  estimatedUsd: usd(r.est),
  jobs: r.jobs,
});

/**
 * A spend report over the ledger entries of the scope's campaigns' projects dated in
 * `from`..`to` (local days in the scope's zone), in one statement: per campaign (every campaign of
 * the scope, zero included), per member who started the jobs (`jobs.created_by`; accounts since
 * deleted fold into one "former member" row), per day (every day of the range), and the variance
 * alerts raised in the range (newest first, at most 500). Each row's `jobs` counts jobs charged in
 * the range and `estimatedUsd` their estimates. Projects count while they are in the campaign,
 * deleted ones included (their money was spent).
 */
export async function spendReport(
  sql: Sql,
  scope: SpendScope,
  range: { from: string; to: string },
): Promise<SpendReport> {
  const tz = scope.timezone;
  const [row] = await sql<
    {
      total: string;
      by_campaign: RawRow[];
      by_member: RawRow[];
      by_day: Array<{ day: string; spent: number }>;
      alerts: Array<{
        job_id: string;
        project_id: string;
        type: string;
        estimate: number;
        actual: number;
        at: string;
      }>;
    }[]
  >`
    with
    sc as (${scope.campaigns}),
    win as (
      select ${range.from}::date::timestamp at time zone ${tz} as start,
        (${range.to}::date + 1)::timestamp at time zone ${tz} as stop),
    sp as (select p.id, p.campaign_id from projects p where p.campaign_id in (select id from sc)),
    l as (
      select l.amount_usd, l.job_id, l.created_at, sp.campaign_id
      from sp join cost_ledger l on l.project_id = sp.id, win
      where l.created_at >= win.start and l.created_at < win.stop),
    pj as (
      select l.campaign_id, l.job_id, j.created_by, sum(l.amount_usd) as spent, max(j.cost_estimate_usd) as est
      from l join jobs j on j.id = l.job_id
      group by l.campaign_id, l.job_id, j.created_by),
    days as (
      select (l.created_at at time zone ${tz})::date as day, sum(l.amount_usd) as spent from l group by 1)
    select
      (select coalesce(sum(spent), 0) from pj) as total,
      (select coalesce(json_agg(r order by r.spent desc, r.name, r.id), '[]'::json) from (
        select c.id, c.name, coalesce(sum(pj.spent), 0) as spent, coalesce(sum(pj.est), 0) as est,
          count(pj.job_id)::int as jobs
        from campaigns c left join pj on pj.campaign_id = c.id
        where c.id in (select id from sc) group by c.id, c.name) r) as by_campaign,
      (select coalesce(json_agg(r order by r.spent desc, r.name, r.id), '[]'::json) from (
        select u.id, coalesce(u.name, 'former member') as name, sum(pj.spent) as spent, sum(pj.est) as est,
          count(*)::int as jobs
        from pj left join users u on u.id = pj.created_by group by u.id, u.name) r) as by_member,
      (select json_agg(json_build_object('day', g.day::date::text, 'spent', coalesce(days.spent, 0)) order by g.day)
        from generate_series(${range.from}::date::timestamp, ${range.to}::date::timestamp, interval '1 day') g(day)
        left join days on days.day = g.day::date) as by_day,
      (select coalesce(json_agg(r order by r.at desc), '[]'::json) from (
        select a.job_id, a.project_id, j.type, a.estimate_usd as estimate, a.actual_usd as actual,
          to_char(a.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
        from sp join cost_alerts a on a.project_id = sp.id join jobs j on j.id = a.job_id, win
        where a.created_at >= win.start and a.created_at < win.stop
        order by a.created_at desc limit 500) r) as alerts`;
  return {
    from: range.from,
    to: range.to,
    timezone: tz,
    totalUsd: usd(row!.total),
    byCampaign: row!.by_campaign.map(spendRow),
    byMember: row!.by_member.map(spendRow),
    byDay: row!.by_day.map((d) => ({ day: d.day, spentUsd: usd(d.spent) })),
    varianceAlerts: row!.alerts.map((a) => ({
      jobId: a.job_id,
      projectId: a.project_id,
      type: a.type,
      estimateUsd: usd(a.estimate),
      actualUsd: usd(a.actual),
      at: a.at,
    })),
  };
}
