import { finishJob } from '@clapboard/server/jobs';
import type { CampaignBudget, CampaignBudgetRefusal, SpendReport } from '@clapboard/shared/campaigns';
import { estimatePlan, planJob } from '@clapboard/shared/job-plan';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness';
import { chargedJob, createMoneyOrg, MONEY_ACTORS, type MoneyActor, type MoneyOrg } from './money-fixtures';
import { listenToProject } from './project-events';
import { writeScenes } from './review-fixtures';

/** The estimate of one assets.derive on this fresh deployment (no measured history). */
const one = estimatePlan('assets.derive', planJob('assets.derive', {})).usd;
const HOUR = 3_600_000;

let h: Harness;
let org: MoneyOrg;
/** The API's clock: null is the real one. */
let clock: Date | null = null;
/** One asset per project, for assets.derive submissions. */
const assetOf = new Map<string, string>();

beforeAll(async () => {
  h = await createHarness({ now: () => clock ?? new Date() });
  org = await createMoneyOrg(h.db.sql, h.deps.jwtSecret);
});
afterAll(() => h.close());

interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

async function call<T>(actor: MoneyActor, method: string, path: string, body?: unknown) {
  const res = await h.app.request(`/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...org.headers(actor) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}

const setBudget = (campaignId: string, body: Record<string, unknown>, actor: MoneyActor = 'owner') =>
  call<CampaignBudget & ErrorBody>(actor, 'PUT', `/campaigns/${campaignId}/budget`, body);
const budget = async (campaignId: string) =>
  (await call<CampaignBudget>('editor', 'GET', `/campaigns/${campaignId}/budget`)).body;

/** A fresh campaign of the org's client, with an asset in each of its projects. */
async function campaign(name: string) {
  const c = await org.addCampaign(name);
  for (const p of c.projectIds) {
    const [a] = await h.db.sql<{ id: string }[]>`
      insert into assets (project_id, kind, mime, byte_size, sha256, storage_key)
      values (${p}, 'image', 'image/png', 1, 'x', ${`k/${p}`}) returning id`;
    assetOf.set(p, a!.id);
  }
  return c;
}

const submit = (projectId: string, actor: MoneyActor = 'editor') =>
  call<{ job: { id: string }; warnings: string[] } & ErrorBody>(
    actor,
    'POST',
    `/projects/${projectId}/jobs`,
    {
      type: 'assets.derive',
      params: { assetId: assetOf.get(projectId) },
    },
  );

const jobCount = async (projectIds: readonly string[]) => {
  const [r] = await h.db.sql<
    { n: number }[]
  >`select count(*)::int as n from jobs where project_id in ${h.db.sql(projectIds)}`;
  return r!.n;
};

/** The local calendar date and time of `d` in `timeZone` (Intl, independent of Postgres). */
function localParts(d: Date, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

describe('campaign money routes by role', () => {
  it('budget and spend: spend:read reads (owners, editors), budget:manage changes (owners); 404 without a role', async () => {
    const expected: Record<MoneyActor, { get: number; put: number; spend: number; clientSpend: number }> = {
      clientOwner: { get: 200, put: 200, spend: 200, clientSpend: 200 },
      owner: { get: 200, put: 200, spend: 200, clientSpend: 404 },
      editor: { get: 200, put: 403, spend: 200, clientSpend: 404 },
      reviewer: { get: 403, put: 403, spend: 403, clientSpend: 404 },
      viewer: { get: 403, put: 403, spend: 403, clientSpend: 404 },
      guest: { get: 403, put: 403, spend: 403, clientSpend: 403 },
      outsider: { get: 404, put: 404, spend: 404, clientSpend: 404 },
      anonymous: { get: 401, put: 401, spend: 401, clientSpend: 401 },
    };
    const actual = {} as typeof expected;
    for (const actor of MONEY_ACTORS)
      actual[actor] = {
        get: (await call(actor, 'GET', `/campaigns/${org.campaignId}/budget`)).status,
        put: (await call(actor, 'PUT', `/campaigns/${org.campaignId}/budget`, { timezone: 'UTC' })).status,
        spend: (await call(actor, 'GET', `/campaigns/${org.campaignId}/spend`)).status,
        clientSpend: (await call(actor, 'GET', `/clients/${org.clientId}/spend`)).status,
      };
    expect(actual).toEqual(expected);
    const doc = (await (await h.app.request('/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    for (const [method, path] of [
      ['get', '/api/v1/campaigns/{id}/budget'],
      ['put', '/api/v1/campaigns/{id}/budget'],
      ['get', '/api/v1/campaigns/{id}/spend'],
      ['get', '/api/v1/clients/{id}/spend'],
    ] as const)
      expect({ method, path, security: doc.paths[path]?.[method]?.security }).toEqual({
        method,
        path,
        security: [{ bearerAuth: [] }],
      });
    const unknown = crypto.randomUUID();
    expect((await call('owner', 'GET', `/campaigns/${unknown}/budget`)).status).toBe(404);
    expect((await call('clientOwner', 'GET', `/clients/${unknown}/spend`)).status).toBe(404);
  });
});

describe('campaign budget limits', () => {
  it('PUT takes only real IANA zones and soft limits not above hard ones; a field left out keeps its value, null removes it', async () => {
    const { campaignId } = await campaign('Validation');
    for (const timezone of ['Mars/Phobos', '+01:00', 'Europe/', 'x'.repeat(65)]) {
      const res = await setBudget(campaignId, { timezone });
      expect({ timezone, status: res.status, code: res.body.error?.code }).toEqual({
        timezone,
        status: 400,
        code: 'validation_failed',
      });
    }
    expect((await setBudget(campaignId, { dailyHardUsd: -1 })).status).toBe(400);
    const inverted = await setBudget(campaignId, { dailySoftUsd: 5, dailyHardUsd: 2 });
    expect(inverted.status).toBe(422);
    expect(inverted.body.error.message).toMatch(/daily soft limit/);

    const set = await setBudget(campaignId, { dailyHardUsd: 10, timezone: 'Europe/Paris' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      campaignId,
      dailySoftUsd: null,
      dailyHardUsd: 10,
      totalSoftUsd: null,
      totalHardUsd: null,
      timezone: 'Europe/Paris',
      todayUsd: 0,
      totalUsd: 0,
      paused: null,
      warnings: [],
    });
    expect((await setBudget(campaignId, { totalSoftUsd: 3 })).body).toMatchObject({
      dailyHardUsd: 10,
      totalSoftUsd: 3,
      timezone: 'Europe/Paris',
    });
    // The total soft limit above a new total hard limit is refused; the stored budget is unchanged.
    expect((await setBudget(campaignId, { totalHardUsd: 2 })).status).toBe(422);
    expect((await setBudget(campaignId, { dailyHardUsd: null })).body).toMatchObject({
      dailyHardUsd: null,
      totalSoftUsd: 3,
      totalHardUsd: null,
    });
    const [audit] = await h.db.sql<{ n: number }[]>`
      select count(*)::int as n from audit_log where action = 'campaign.budget.update' and target_id = ${campaignId}`;
    expect(audit!.n).toBe(3);
  });

  it('a daily hard limit pauses the campaign with 402 until its next local midnight; the same submit passes once the clock is on the next day', async () => {
    const { campaignId, projectIds } = await campaign('Daily');
    const zone = 'America/New_York';
    expect((await setBudget(campaignId, { dailyHardUsd: 1, timezone: zone })).status).toBe(200);
    // Spent today in the first project; the refused job is in the second: the limit is the campaign's.
    await chargedJob(h.db.sql, projectIds[0], org.userIds.editor, 1, [{ usd: 1 }]);
    const before = await jobCount(projectIds);

    const refused = await submit(projectIds[1]);
    expect(refused.status).toBe(402);
    expect(refused.body.error.code).toBe('payment_required');
    expect(refused.body.error.message).toMatch(/daily hard limit/);
    expect(refused.body.error.message).toMatch(/midnight America\/New_York/);
    const details = refused.body.error.details as unknown as CampaignBudgetRefusal;
    expect(details).toMatchObject({
      campaignId,
      limit: 'daily',
      limitUsd: 1,
      committedUsd: 1,
      estimateUsd: one,
      remainingUsd: 0,
    });
    expect(await jobCount(projectIds)).toBe(before);

    // `until` is the next local midnight in the campaign's zone, checked with Intl, not Postgres.
    const until = new Date(details.until!);
    const now = new Date();
    expect(until.getTime()).toBeGreaterThan(now.getTime());
    expect(until.getTime()).toBeLessThanOrEqual(now.getTime() + 25 * HOUR);
    expect(localParts(until, zone).time).toBe('00:00');
    const localToday = localParts(now, zone).date;
    const localTomorrow = new Date(Date.parse(`${localToday}T12:00:00Z`) + 24 * HOUR)
      .toISOString()
      .slice(0, 10);
    expect(localParts(until, zone).date).toBe(localTomorrow);
    expect(await budget(campaignId)).toMatchObject({
      todayUsd: 1,
      totalUsd: 1,
      paused: { limit: 'daily', until: details.until },
    });

    // The next local day: nothing in the database changed, only the clock.
    clock = new Date(until.getTime() + 60_000);
    try {
      expect((await budget(campaignId)).paused).toBeNull();
      const resumed = await submit(projectIds[1]);
      expect(resumed.status).toBe(202);
      expect(await jobCount(projectIds)).toBe(before + 1);
      // A minute before midnight it is still paused.
      clock = new Date(until.getTime() - 60_000);
      expect((await submit(projectIds[1])).status).toBe(402);
    } finally {
      clock = null;
    }
  });

  it('a total hard limit answers 402 with no end until an owner raises it; retries are held too', async () => {
    const { campaignId, projectIds } = await campaign('Total');
    await chargedJob(h.db.sql, projectIds[0], org.userIds.owner, 0.5, [{ usd: 0.5 }]);
    expect((await setBudget(campaignId, { totalHardUsd: 0.5 })).body.paused).toEqual({
      limit: 'total',
      until: null,
    });
    const refused = await submit(projectIds[0]);
    expect(refused.status).toBe(402);
    expect(refused.body.error.details).toMatchObject({ limit: 'total', until: null, limitUsd: 0.5 });
    expect(refused.body.error.message).toMatch(/total hard limit/);

    expect((await setBudget(campaignId, { totalHardUsd: 10 })).body.paused).toBeNull();
    expect((await submit(projectIds[0])).status).toBe(202);

    // A failed job's retry goes through the same check.
    const [failed] = await h.db.sql<{ id: string }[]>`
      insert into jobs (project_id, type, params, status, finished_at, created_by)
      values (${projectIds[1]}, 'assets.derive', ${h.db.sql.json({ assetId: assetOf.get(projectIds[1])! })}, 'failed', now(), ${org.userIds.editor})
      returning id`;
    const { totalUsd } = await budget(campaignId);
    await setBudget(campaignId, { totalHardUsd: totalUsd });
    const retry = await call<ErrorBody>('editor', 'POST', `/jobs/${failed!.id}/retry`);
    expect(retry.status).toBe(402);
    expect(retry.body.error.details).toMatchObject({ campaignId, limit: 'total' });
  });

  it("soft limits warn on the job and tell the campaign's owners once per campaign day and limit", async () => {
    const { campaignId, projectIds } = await campaign('Soft');
    await setBudget(campaignId, { dailySoftUsd: 0, totalSoftUsd: 0, timezone: 'UTC' });
    const notices = async (who: 'clientOwner' | 'owner' | 'editor') => {
      const rows = await h.db.sql<{ limit: string; day: string }[]>`
        select payload->>'limit' as limit, payload->>'day' as day from notifications
        where user_id = ${org.userIds[who]} and kind = 'budget_soft_limit' and payload->>'campaignId' = ${campaignId}
        order by created_at, payload->>'limit'`;
      return rows.map((r) => `${r.day}:${r.limit}`);
    };
    const first = await submit(projectIds[0]);
    expect(first.status).toBe(202);
    expect(first.body.warnings).toEqual([
      expect.stringMatching(/daily soft budget passed/),
      expect.stringMatching(/total soft budget passed/),
    ]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await notices('owner')).toEqual([`${today}:daily`, `${today}:total`]);
    // A client owner owns the campaign too; an editor is not told.
    expect(await notices('clientOwner')).toEqual([`${today}:daily`, `${today}:total`]);
    expect(await notices('editor')).toEqual([]);

    expect((await submit(projectIds[1])).status).toBe(202);
    expect(await notices('owner')).toHaveLength(2);
    expect((await budget(campaignId)).warnings).toEqual(['daily', 'total']);

    clock = new Date(Date.now() + 24 * HOUR);
    try {
      expect((await submit(projectIds[0])).status).toBe(202);
    } finally {
      clock = null;
    }
    const tomorrow = new Date(Date.now() + 24 * HOUR).toISOString().slice(0, 10);
    expect(await notices('owner')).toEqual([
      `${today}:daily`,
      `${today}:total`,
      `${tomorrow}:daily`,
      `${tomorrow}:total`,
    ]);
  });

  it("concurrent submits across the campaign's projects never overshoot its hard limit: exactly the jobs that fit are accepted", async () => {
    const { campaignId, projectIds } = await campaign('Concurrent');
    expect((await setBudget(campaignId, { dailyHardUsd: one * 2 + one / 10 })).status).toBe(200);
    const statuses = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => (await submit(projectIds[i % 2]!)).status),
    );
    expect(statuses.filter((s) => s === 202)).toHaveLength(2);
    expect(statuses.filter((s) => s === 402)).toHaveLength(6);
    expect(await jobCount(projectIds)).toBe(2);
    expect((await budget(campaignId)).todayUsd).toBeCloseTo(one * 2, 6);
  });
});

describe('cost-variance alerts', () => {
  it("a job that completes 25 % over its estimate alerts once (row, owners' inbox, project event); 15 %, 20 % or a failed job do not", async () => {
    const { campaignId, projectIds } = await campaign('Variance');
    const project = projectIds[0];
    const running = async (estimateUsd: number, chargedUsd: number) => {
      const [job] = await h.db.sql<{ id: string }[]>`
        insert into jobs (project_id, type, params, status, started_at, cost_estimate_usd, created_by)
        values (${project}, 'assets.derive', '{}', 'running', now(), ${estimateUsd}, ${org.userIds.editor}) returning id`;
      await h.db.sql`
        insert into cost_ledger (project_id, job_id, step, resource_class, seconds, amount_usd)
        values (${project}, ${job!.id}, 'strip', 'cpu', 1, ${chargedUsd})`;
      return job!.id;
    };
    const alerts = async (jobId: string) =>
      (await h.db.sql`select 1 from cost_alerts where job_id = ${jobId}`).length;
    const inbox = async (who: 'owner' | 'clientOwner' | 'editor', jobId: string) =>
      (
        await h.db.sql`
          select 1 from notifications where user_id = ${org.userIds[who]} and kind = 'cost_variance' and payload->>'jobId' = ${jobId}`
      ).length;
    const listener = await listenToProject(h, project, ['cost:variance']);
    try {
      const under = await running(1, 1.15);
      const edge = await running(1, 1.2);
      const failed = await running(1, 1.5);
      const over = await running(1, 1.25);
      expect(await finishJob(h.db.sql, h.deps.emitter, under, { status: 'completed' })).toBe(true);
      expect(await finishJob(h.db.sql, h.deps.emitter, edge, { status: 'completed' })).toBe(true);
      expect(await finishJob(h.db.sql, h.deps.emitter, failed, { status: 'failed', error: 'x' })).toBe(true);
      expect(await finishJob(h.db.sql, h.deps.emitter, over, { status: 'completed' })).toBe(true);
      // A second ending (a re-delivered finalize) changes nothing.
      expect(await finishJob(h.db.sql, h.deps.emitter, over, { status: 'completed' })).toBe(false);

      const event = await listener.waitFor('cost:variance', (e) => e.type === 'cost:variance');
      expect(event.payload).toEqual({
        jobId: over,
        type: 'assets.derive',
        estimateUsd: 1,
        actualUsd: 1.25,
        campaignId,
      });
      // Events leave in order from one emitter: the quiet jobs' would have come first.
      expect(listener.events).toHaveLength(1);
      expect(await alerts(over)).toBe(1);
      const [row] = await h.db.sql<{ campaign_id: string; estimate_usd: string; actual_usd: string }[]>`
        select campaign_id, estimate_usd, actual_usd from cost_alerts where job_id = ${over}`;
      expect({
        ...row,
        estimate_usd: Number(row!.estimate_usd),
        actual_usd: Number(row!.actual_usd),
      }).toEqual({
        campaign_id: campaignId,
        estimate_usd: 1,
        actual_usd: 1.25,
      });
      expect([
        await inbox('owner', over),
        await inbox('clientOwner', over),
        await inbox('editor', over),
      ]).toEqual([1, 1, 0]);
      for (const quiet of [under, edge, failed]) {
        expect(await alerts(quiet)).toBe(0);
        expect(await inbox('owner', quiet)).toBe(0);
      }
    } finally {
      await listener.close();
    }
  });
});

describe('spend views', () => {
  it('a campaign report: totals by campaign, member (a deleted account is a former member) and local day, and the alerts in range', async () => {
    const spend = await campaign('Spend');
    const other = await campaign('Spend two');
    await setBudget(spend.campaignId, { timezone: 'Asia/Tokyo' });
    const [gone] = await h.db.sql<{ id: string }[]>`
      insert into users (email, name, password_hash) values ('gone.money@test.co', 'Gone', 'x') returning id`;
    const [a, b] = spend.projectIds;
    // Tokyo is UTC+9: 14:59Z is 23:59 on the 1st there, 15:01Z is 00:01 on the 2nd.
    const editorJob = await chargedJob(h.db.sql, a, org.userIds.editor, 1, [
      { usd: 0.5, at: '2024-03-01T14:59:00Z' },
      { usd: 0.7, at: '2024-03-01T15:01:00Z' },
    ]);
    await chargedJob(h.db.sql, b, org.userIds.owner, 2, [{ usd: 2, at: '2024-03-03T03:00:00Z' }]);
    const goneJob = await chargedJob(h.db.sql, a, gone!.id, 0.1, [{ usd: 0.3, at: '2024-03-02T01:00:00Z' }]);
    await h.db.sql`
      insert into cost_alerts (job_id, project_id, campaign_id, estimate_usd, actual_usd, created_at)
      values (${goneJob}, ${a}, ${spend.campaignId}, 0.1, 0.3, '2024-03-02T01:00:00Z')`;
    await h.db.sql`delete from users where id = ${gone!.id}`;
    await chargedJob(h.db.sql, a, org.userIds.editor, 5, [{ usd: 5, at: '2024-02-20T00:00:00Z' }]);
    await chargedJob(h.db.sql, other.projectIds[0], org.userIds.editor, 1, [
      { usd: 1, at: '2024-03-02T12:00:00Z' },
    ]);

    const res = await call<SpendReport>(
      'editor',
      'GET',
      `/campaigns/${spend.campaignId}/spend?from=2024-03-01&to=2024-03-04`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: '2024-03-01',
      to: '2024-03-04',
      timezone: 'Asia/Tokyo',
      totalUsd: 3.5,
      byCampaign: [{ id: spend.campaignId, name: 'Spend', spentUsd: 3.5, estimatedUsd: 3.1, jobs: 3 }],
      byMember: [
        { id: org.userIds.owner, name: 'owner', spentUsd: 2, estimatedUsd: 2, jobs: 1 },
        { id: org.userIds.editor, name: 'editor', spentUsd: 1.2, estimatedUsd: 1, jobs: 1 },
        { id: null, name: 'former member', spentUsd: 0.3, estimatedUsd: 0.1, jobs: 1 },
      ],
      byDay: [
        { day: '2024-03-01', spentUsd: 0.5 },
        { day: '2024-03-02', spentUsd: 1 },
        { day: '2024-03-03', spentUsd: 2 },
        { day: '2024-03-04', spentUsd: 0 },
      ],
      varianceAlerts: [
        {
          jobId: goneJob,
          projectId: a,
          type: 'assets.derive',
          estimateUsd: 0.1,
          actualUsd: 0.3,
          at: '2024-03-02T01:00:00.000Z',
        },
      ],
    });
    expect(editorJob).toBeTruthy();

    // Default range: the 30 days to the campaign's today (Tokyo is already on the 5th).
    clock = new Date('2024-03-04T16:00:00Z');
    try {
      const recent = (await call<SpendReport>('editor', 'GET', `/campaigns/${spend.campaignId}/spend`)).body;
      expect([recent.from, recent.to, recent.byDay.length, recent.totalUsd]).toEqual([
        '2024-02-05',
        '2024-03-05',
        30,
        8.5,
      ]);
    } finally {
      clock = null;
    }

    // The client's report counts UTC days over every campaign of the client, or one.
    const client = await call<SpendReport>(
      'clientOwner',
      'GET',
      `/clients/${org.clientId}/spend?from=2024-03-01&to=2024-03-04`,
    );
    expect(client.status).toBe(200);
    expect(client.body.timezone).toBe('UTC');
    expect(client.body.totalUsd).toBe(4.5);
    expect(client.body.byDay.map((d) => d.spentUsd)).toEqual([1.2, 1.3, 2, 0]);
    expect(client.body.byCampaign.slice(0, 2).map((r) => [r.id, r.spentUsd, r.jobs])).toEqual([
      [spend.campaignId, 3.5, 3],
      [other.campaignId, 1, 1],
    ]);
    // Every live campaign of the client has its row, zero included.
    const [campaigns] = await h.db.sql<{ n: number }[]>`
      select count(*)::int as n from campaigns where client_id = ${org.clientId} and deleted_at is null`;
    expect(client.body.byCampaign).toHaveLength(campaigns!.n);
    const one = await call<SpendReport>(
      'clientOwner',
      'GET',
      `/clients/${org.clientId}/spend?from=2024-03-01&to=2024-03-04&campaignId=${other.campaignId}`,
    );
    expect([one.body.totalUsd, one.body.byCampaign.map((r) => r.id)]).toEqual([1, [other.campaignId]]);
    expect(
      (await call('clientOwner', 'GET', `/clients/${org.clientId}/spend?campaignId=${crypto.randomUUID()}`))
        .status,
    ).toBe(404);
  });

  it('a range is real days, from before to, at most 366 of them', async () => {
    const path = `/campaigns/${org.campaignId}/spend`;
    const status = async (q: string) => (await call('owner', 'GET', `${path}?${q}`)).status;
    expect(await status('from=2024-03-05&to=2024-03-01')).toBe(400);
    expect(await status('from=2023-01-01&to=2024-01-02')).toBe(400);
    expect(await status('to=2024-02-30')).toBe(400);
    expect(await status('from=2024-1-1')).toBe(400);
    const longest = await call<SpendReport>('owner', 'GET', `${path}?from=2023-01-01&to=2024-01-01`);
    expect(longest.status).toBe(200);
    expect(longest.body.byDay).toHaveLength(366);
  });
});

describe('the storyboard approval gate of a campaign', () => {
  it('a final render of a project in a campaign that requires approval needs every scene approved; drafts never wait', async () => {
    const { campaignId, projectIds } = await campaign('Gate');
    const p = projectIds[0];
    await writeScenes(h.db.sql, p, [
      { id: 'open', heading: 'INT. SHOP - DAY', dialogue: 'Welcome in.' },
      { id: 'close', heading: 'EXT. STREET - NIGHT', dialogue: 'See you soon.' },
    ]);
    const render = (final: boolean) =>
      call<ErrorBody>('owner', 'POST', `/projects/${p}/jobs`, { type: 'render.video', params: { final } });

    const refused = await render(true);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/^Campaign "Gate" requires every scene approved/);
    expect(refused.body.error.details).toEqual({
      unapprovedScenes: [
        { sceneId: 'open', heading: 'INT. SHOP - DAY', status: 'not_reviewed' },
        { sceneId: 'close', heading: 'EXT. STREET - NIGHT', status: 'not_reviewed' },
      ],
      requiredBy: ['campaign'],
    });
    expect((await render(false)).status).toBe(202);

    // The gate is the project's rule OR the campaign's.
    await h.db.sql`update campaigns set require_storyboard_approval = false where id = ${campaignId}`;
    expect((await render(true)).status).toBe(202);
    await h.db.sql`update projects set require_approval_for_final = true where id = ${p}`;
    const byProject = await render(true);
    expect([byProject.status, byProject.body.error.details.requiredBy]).toEqual([409, ['project']]);
    await h.db.sql`update projects set require_approval_for_final = false where id = ${p}`;
    await h.db.sql`update campaigns set require_storyboard_approval = true where id = ${campaignId}`;

    // The campaign owner owns the project through the campaign, so may approve.
    for (const scene of ['open', 'close'])
      expect(
        (await call('owner', 'POST', `/projects/${p}/scenes/${scene}/approvals`, { status: 'approved' }))
          .status,
      ).toBe(201);
    expect((await render(true)).status).toBe(202);
  });
});
