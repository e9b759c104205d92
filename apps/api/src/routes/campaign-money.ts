import type { Sql } from '@clapboard/server/db';
import { campaignBudgetView, campaignMoney } from '@clapboard/server/jobs';
import { API_PREFIX } from '@clapboard/shared/api';
import {
  campaignBudgetBodySchema,
  campaignBudgetSchema,
  campaignParamsSchema,
  clientParamsSchema,
  spendQuerySchema,
  spendReportSchema,
} from '@clapboard/shared/campaigns';
import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../app';
import { writeAudit } from '../audit/write-audit';
import { authorizeCampaign, authorizeClient } from '../auth/authorize-org';
import { clientIp } from '../auth/client-ip';
import { type RequireUserDeps, requireUser } from '../auth/require-user';
import { badRequest, notFound, unprocessable } from '../errors/http-error';
import { spendRange, spendReport } from '../money/spend-report';
import { bearerSecurity, createRouter, jsonBody, jsonResponse } from './create-router';
import { errorsFor } from './error-responses';

export interface CampaignMoneyRouteDeps extends RequireUserDeps, Pick<AppDeps, 'peerAddress' | 'trustProxy'> {
  sql: Sql;
  /** The clock budget days and default report ranges are read from; default the real one. */
  now?: () => Date;
}

/** The client report's days are UTC days (its campaigns may each count in another zone). */
const CLIENT_REPORT_ZONE = 'UTC';

/**
 * The money of campaigns (issue #18): a campaign's budget (limits, today's and total spend,
 * whether a hard limit holds new jobs) and spend reports of a campaign or a whole client. The
 * limits are enforced where every job is submitted (`checkBudget` in the job service).
 */
export function campaignMoneyRoutes(deps: CampaignMoneyRouteDeps) {
  const auth = requireUser(deps);
  const { sql } = deps;
  const now = () => deps.now?.() ?? new Date();

  /** The budget as shown; 404 for a campaign gone meanwhile. */
  const budgetOf = async (campaignId: string) => {
    const money = await campaignMoney(sql, campaignId, now());
    if (!money) throw notFound('Campaign');
    return campaignBudgetView(money);
  };

  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/campaigns/{id}/budget`,
        tags: ['campaigns'],
        summary:
          "A campaign's budget: daily and total limits, spend today (in its time zone) and in all, and whether a hard limit pauses new jobs (owners and editors: spend:read)",
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: campaignParamsSchema },
        responses: {
          200: jsonResponse(campaignBudgetSchema, 'The budget'),
          ...errorsFor(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await authorizeCampaign(sql, id, c.var.userId!, 'spend:read');
        return c.json(await budgetOf(id), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'put',
        path: `${API_PREFIX}/campaigns/{id}/budget`,
        tags: ['campaigns'],
        summary:
          "Set a campaign's daily and total soft/hard limits and its time zone (owners: budget:manage); a field left out keeps its value, null removes a limit",
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: campaignParamsSchema, ...jsonBody(campaignBudgetBodySchema) },
        responses: {
          200: jsonResponse(campaignBudgetSchema, 'The budget as it is now'),
          ...errorsFor(400, 401, 403, 404),
          422: {
            description: 'A soft limit above its hard limit (daily or total)',
            content: errorsFor(422)[422].content,
          },
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const body = c.req.valid('json');
        await authorizeCampaign(sql, id, c.var.userId!, 'budget:manage');
        const current = await budgetOf(id);
        const next = {
          dailySoftUsd: body.dailySoftUsd === undefined ? current.dailySoftUsd : body.dailySoftUsd,
          dailyHardUsd: body.dailyHardUsd === undefined ? current.dailyHardUsd : body.dailyHardUsd,
          totalSoftUsd: body.totalSoftUsd === undefined ? current.totalSoftUsd : body.totalSoftUsd,
          totalHardUsd: body.totalHardUsd === undefined ? current.totalHardUsd : body.totalHardUsd,
          timezone: body.timezone ?? current.timezone,
        };
        for (const limit of ['daily', 'total'] as const) {
          const soft = next[`${limit}SoftUsd`];
          const hard = next[`${limit}HardUsd`];
          if (soft !== null && hard !== null && soft > hard)
            throw unprocessable(
              `The ${limit} soft limit ($${soft}) must not be above the ${limit} hard limit ($${hard}).`,
              {
                field: `${limit}SoftUsd`,
              },
            );
        }
        // Intl knew the zone (the body schema); Postgres, which counts the days, must know it too.
        if (body.timezone !== undefined) {
          const [known] = await sql`select 1 from pg_timezone_names where name = ${body.timezone}`;
          if (!known)
            throw badRequest(
              `The database does not know the time zone ${body.timezone}; pick another name for it.`,
              {
                field: 'timezone',
              },
            );
        }
        await sql.begin(async (tx) => {
          await tx`
            insert into campaign_budgets (campaign_id, daily_soft_usd, daily_hard_usd, total_soft_usd, total_hard_usd, timezone, updated_by, updated_at)
            values (${id}, ${next.dailySoftUsd}, ${next.dailyHardUsd}, ${next.totalSoftUsd}, ${next.totalHardUsd}, ${next.timezone}, ${c.var.userId!}, now())
            on conflict (campaign_id) do update set daily_soft_usd = excluded.daily_soft_usd, daily_hard_usd = excluded.daily_hard_usd,
              total_soft_usd = excluded.total_soft_usd, total_hard_usd = excluded.total_hard_usd, timezone = excluded.timezone,
              updated_by = excluded.updated_by, updated_at = now()`;
          await writeAudit(tx, {
            projectId: null,
            actorId: c.var.userId!,
            action: 'campaign.budget.update',
            targetType: 'campaign',
            targetId: id,
            details: next,
            ip: clientIp(c, deps.peerAddress, deps.trustProxy ?? false),
          });
        });
        return c.json(await budgetOf(id), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/campaigns/{id}/spend`,
        tags: ['campaigns'],
        summary:
          "A campaign's spend over days from..to (its time zone; default the last 30 days, at most 366): by member, by day, and cost-variance alerts (owners and editors: spend:read)",
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: campaignParamsSchema, query: spendQuerySchema.pick({ from: true, to: true }) },
        responses: {
          200: jsonResponse(spendReportSchema, 'The report'),
          ...errorsFor(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const q = c.req.valid('query');
        await authorizeCampaign(sql, id, c.var.userId!, 'spend:read');
        const [zone] = await sql<{ tz: string; today: string }[]>`
          select coalesce(b.timezone, 'UTC') as tz,
            (${now().toISOString()}::timestamptz at time zone coalesce(b.timezone, 'UTC'))::date::text as today
          from campaigns c left join campaign_budgets b on b.campaign_id = c.id where c.id = ${id}`;
        if (!zone) throw notFound('Campaign');
        const range = spendRange(q, zone.today);
        return c.json(
          await spendReport(
            sql,
            { campaigns: sql`select id from campaigns where id = ${id}`, timezone: zone.tz },
            range,
          ),
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/clients/{id}/spend`,
        tags: ['clients'],
        summary:
          "A client's spend over days from..to (UTC; default the last 30 days, at most 366): by campaign (or one, with campaignId), by member, by day, and cost-variance alerts (client owners and editors: spend:read)",
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: clientParamsSchema, query: spendQuerySchema },
        responses: {
          200: jsonResponse(spendReportSchema, 'The report'),
          ...errorsFor(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const q = c.req.valid('query');
        await authorizeClient(sql, id, c.var.userId!, 'spend:read');
        if (q.campaignId) {
          const [found] = await sql`
            select 1 from campaigns where id = ${q.campaignId} and client_id = ${id} and deleted_at is null`;
          if (!found) throw notFound('Campaign');
        }
        const campaigns = sql`
          select id from campaigns where client_id = ${id} and deleted_at is null
          ${q.campaignId ? sql`and id = ${q.campaignId}` : sql``}`;
        const today = now().toISOString().slice(0, 10);
        return c.json(
          await spendReport(sql, { campaigns, timezone: CLIENT_REPORT_ZONE }, spendRange(q, today)),
          200,
        );
      },
    );
}
