import { estimatePlan, planJob } from '@clapboard/shared/job-plan';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServices } from '../testing';
import { CampaignBudgetExceededError, campaignMoney, checkCampaignBudget } from './campaign-budget';
import { insertJobBatch, insertUnlimitedJob } from './job-store';

const { databaseUrl } = testServices(process.env);
const estimate = estimatePlan('assets.derive', planJob('assets.derive', {}));

describe('campaign money against a real Postgres', () => {
  let db: TestDatabase;
  let userId: string;
  let clientId: string;

  beforeAll(async () => {
    db = await createTestDatabase(databaseUrl);
    const [u] = await db.sql<{ id: string }[]>`
      insert into users (email, name, password_hash) values ('money@test.local', 'M', 'x') returning id`;
    userId = u!.id;
    const [c] = await db.sql<{ id: string }[]>`insert into clients (name) values ('Client') returning id`;
    clientId = c!.id;
  });
  afterAll(() => db.drop());

  /** A campaign with one project (the user owns the campaign); its budget when given. */
  async function campaignWithProject(budget?: Record<string, unknown>) {
    const [c] = await db.sql<{ id: string }[]>`
      insert into campaigns (client_id, name) values (${clientId}, 'C') returning id`;
    await db.sql`insert into campaign_members (campaign_id, user_id, role) values (${c!.id}, ${userId}, 'owner')`;
    const [p] = await db.sql<{ id: string }[]>`
      insert into projects (name, created_by, campaign_id) values ('P', ${userId}, ${c!.id}) returning id`;
    if (budget) await db.sql`insert into campaign_budgets ${db.sql({ campaign_id: c!.id, ...budget })}`;
    return { campaignId: c!.id, projectId: p!.id };
  }

  const newJob = (projectId: string) => ({
    projectId,
    userId,
    type: 'assets.derive' as const,
    params: {},
    priority: 5,
    estimate,
    audit: { actorId: userId, details: {} },
  });

  it('the lock-free paths leave projects of a live campaign with a limit to the checked path', async () => {
    const limited = await campaignWithProject({ total_soft_usd: 100 });
    const unlimited = await campaignWithProject({ timezone: 'Europe/Paris' });
    const deleted = await campaignWithProject({ daily_hard_usd: 0 });
    await db.sql`update campaigns set deleted_at = now() where id = ${deleted.campaignId}`;

    expect(await insertUnlimitedJob(db.sql, newJob(limited.projectId))).toBeNull();
    expect(await insertUnlimitedJob(db.sql, newJob(unlimited.projectId))).not.toBeNull();
    expect(await insertUnlimitedJob(db.sql, newJob(deleted.projectId))).not.toBeNull();
    const batch = await insertJobBatch(
      db.sql,
      [limited, unlimited].map(({ projectId }) => ({
        ...newJob(projectId),
        id: crypto.randomUUID(),
        roles: ['owner'] as const,
        assetIds: [],
      })),
    );
    expect(batch.map((b) => [b.limited, b.row !== null])).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it("counts the day in the campaign's zone (a 23-hour DST day in Paris), live jobs created that day, and everything in all", async () => {
    const { campaignId, projectId } = await campaignWithProject({
      timezone: 'Europe/Paris',
      daily_hard_usd: 10,
    });
    const [job] = await db.sql<{ id: string }[]>`
      insert into jobs (project_id, type, status, finished_at, created_by)
      values (${projectId}, 'assets.derive', 'completed', now(), ${userId}) returning id`;
    // 2024-03-31 in Paris runs from 23:00Z on the 30th (CET) to 22:00Z on the 31st (CEST).
    const entries: Array<[string, number]> = [
      ['2024-03-30T22:59:00Z', 1], // 23:59 on the 30th
      ['2024-03-30T23:01:00Z', 2], // 00:01 on the 31st
      ['2024-03-31T21:59:00Z', 4], // 23:59 CEST on the 31st
      ['2024-03-31T22:01:00Z', 8], // 00:01 on April 1st
    ];
    for (const [i, [at, usd]] of entries.entries())
      await db.sql`
        insert into cost_ledger (project_id, job_id, step, resource_class, amount_usd, created_at)
        values (${projectId}, ${job!.id}, ${`s${i}`}, 'cpu', ${usd}, ${at})`;
    // Live jobs hold their estimates: one created that day, one the day before.
    for (const [at, usd] of [
      ['2024-03-31T10:00:00Z', 16],
      ['2024-03-30T10:00:00Z', 32],
    ] as const)
      await db.sql`
        insert into jobs (project_id, type, status, cost_estimate_usd, created_by, created_at)
        values (${projectId}, 'assets.derive', 'queued', ${usd}, ${userId}, ${at})`;

    const m = await campaignMoney(db.sql, campaignId, new Date('2024-03-31T12:00:00Z'));
    expect(m).toMatchObject({
      campaignId,
      timezone: 'Europe/Paris',
      day: '2024-03-31',
      dayEndsAt: '2024-03-31T22:00:00.000Z',
      todayUsd: 2 + 4 + 16,
      totalUsd: 1 + 2 + 4 + 8 + 16 + 32,
      dailyHardUsd: 10,
      dailySoftUsd: null,
    });
    // Just past that midnight it is April 1st: only the last entry is today.
    const next = await campaignMoney(db.sql, campaignId, new Date('2024-03-31T22:00:01Z'));
    expect([next?.day, next?.todayUsd, next?.dayEndsAt]).toEqual([
      '2024-04-01',
      8,
      '2024-04-01T22:00:00.000Z',
    ]);

    // The check refuses past the daily hard limit, with the next local midnight.
    const refusal = await db.sql
      .begin((tx) => checkCampaignBudget(tx as never, projectId, 1, new Date('2024-03-31T12:00:00Z')))
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(CampaignBudgetExceededError);
    expect((refusal as CampaignBudgetExceededError).refusal).toEqual({
      campaignId,
      limit: 'daily',
      until: '2024-03-31T22:00:00.000Z',
      limitUsd: 10,
      committedUsd: 22,
      estimateUsd: 1,
      remainingUsd: 0,
    });
    expect(await campaignMoney(db.sql, crypto.randomUUID(), new Date())).toBeNull();
  });
});
