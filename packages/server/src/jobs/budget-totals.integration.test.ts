import { estimatePlan, planJob } from '@clapboard/shared/job-plan';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServices } from '../testing';
import { budgetFigures } from './budget';
import {
  chargeStep,
  deleteUnqueuedJob,
  deleteUnqueuedJobs,
  endJob,
  insertJob,
  insertJobBatch,
  insertUnlimitedJob,
  restartJob,
  startStep,
} from './job-store';

const { databaseUrl } = testServices(process.env);
const estimate = estimatePlan('assets.derive', planJob('assets.derive', {}));

/** The sums the totals stand for, recomputed from the rows as the budget check once read them. */
async function recomputed(db: TestDatabase, projectId: string) {
  const [row] = await db.sql<{ spent: string; reserved: string }[]>`
    select
      (select coalesce(sum(amount_usd), 0) from cost_ledger where project_id = ${projectId}) as spent,
      (select coalesce(sum(greatest(cost_estimate_usd - cost_actual_usd, 0)), 0) from jobs
        where project_id = ${projectId} and status in ('queued', 'running')) as reserved`;
  return { spent: Number(row!.spent), reserved: Number(row!.reserved) };
}

describe('budget totals kept by triggers equal the sums over jobs and ledger', () => {
  let db: TestDatabase;
  let userId: string;
  const projects: string[] = [];
  beforeAll(async () => {
    db = await createTestDatabase(databaseUrl);
    const [u] = await db.sql<{ id: string }[]>`
      insert into users (email, name, password_hash) values ('totals@test.local', 'T', 'x') returning id`;
    userId = u!.id;
    for (const name of ['A', 'B']) {
      const [p] = await db.sql<
        { id: string }[]
      >`insert into projects (name, created_by) values (${name}, ${userId}) returning id`;
      await db.sql`insert into project_members (project_id, user_id, role) values (${p!.id}, ${userId}, 'owner')`;
      projects.push(p!.id);
    }
  });
  afterAll(() => db.drop());

  const newJob = (projectId: string) => ({
    projectId,
    userId,
    type: 'assets.derive',
    params: {},
    priority: 5,
    estimate,
    audit: { actorId: userId, details: {} },
  });
  const expectTotals = async () => {
    for (const p of projects) {
      const figures = await budgetFigures(db.sql, p);
      const truth = await recomputed(db, p);
      expect({ p, spent: figures.spentUsd, reserved: figures.reservedUsd }).toEqual({ p, ...truth });
    }
  };

  it('through every job-store write, concurrent charges and endings included', async () => {
    const [a, b] = projects as [string, string];
    // Inserts: single, unlimited fast path, and a batch spanning both projects.
    const one = await insertJob(db.sql, newJob(a));
    const fast = await insertUnlimitedJob(db.sql, newJob(b));
    expect(fast).not.toBeNull();
    const batch = await insertJobBatch(
      db.sql,
      Array.from({ length: 12 }, (_, i) => ({
        id: crypto.randomUUID(),
        projectId: i % 2 ? a : b,
        userId,
        type: 'assets.derive' as const,
        params: {},
        priority: 5,
        estimate,
        roles: ['owner'] as const,
        assetIds: [],
      })),
    );
    expect(batch.every((r) => r.row)).toBe(true);
    await expectTotals();
    expect((await recomputed(db, a)).reserved).toBeCloseTo(estimate.usd * 7, 6);

    // Running, charged past its estimate (reserved floors at 0), ended; charged twice for the
    // same step (the ledger keeps one); failed and restarted with a new estimate.
    await startStep(db.sql, one.id, 1, 'probe');
    const charge = (jobId: string, step: string, amountUsd: number) =>
      chargeStep(db.sql, {
        projectId: a,
        jobId,
        jobType: 'assets.derive',
        ledgerStep: step,
        resourceClass: 'cpu',
        seconds: 1,
        amountUsd,
      });
    expect(await charge(one.id, 'probe', estimate.usd / 3)).toBe(true);
    expect(await charge(one.id, 'probe', estimate.usd / 3)).toBe(false);
    await expectTotals();
    expect(await charge(one.id, 'thumbnail', estimate.usd * 2)).toBe(true);
    await expectTotals();
    await endJob(db.sql, one.id, { status: 'failed', error: 'x', outputs: [] });
    await expectTotals();
    expect(await restartJob(db.sql, one.id, estimate)).not.toBeNull();
    await expectTotals();

    // Concurrent charges on many jobs of one project while others end: exact, and no deadlock.
    const live = batch.filter((r) => r.row!.project_id === a).map((r) => r.row!.id);
    await Promise.all(
      live.flatMap((id, i) => [
        startStep(db.sql, id, 1, 'probe').then(() => charge(id, 'probe', 0.000013 * (i + 1))),
        charge(id, 'strip', 0.000007),
        i % 2 ? endJob(db.sql, id, { status: 'completed', outputs: [] }) : Promise.resolve(null),
      ]),
    );
    await expectTotals();

    // Removal of jobs that never reached the queue gives their share back.
    const gone = batch.filter((r) => r.row!.project_id === b).map((r) => r.row!.id);
    await deleteUnqueuedJob(db.sql, gone[0]!);
    await deleteUnqueuedJobs(db.sql, gone.slice(1));
    await expectTotals();
    expect((await recomputed(db, b)).reserved).toBeCloseTo(estimate.usd, 6);
  });

  it('concurrent batches over the same two projects in opposite orders do not deadlock', async () => {
    const [a, b] = projects as [string, string];
    const batchOf = (first: string, second: string) =>
      insertJobBatch(
        db.sql,
        Array.from({ length: 20 }, (_, i) => ({
          id: crypto.randomUUID(),
          projectId: i < 10 ? first : second,
          userId,
          type: 'assets.derive' as const,
          params: {},
          priority: 5,
          estimate,
          roles: ['owner'] as const,
          assetIds: [],
        })),
      );
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? batchOf(a, b) : batchOf(b, a))),
    );
    expect(results.flat().every((r) => r.row)).toBe(true);
    await expectTotals();
  });

  it('a project created before the migration starts from its recomputed sums', async () => {
    // The migration's backfill and the triggers agree: wipe a project's totals row, rebuild it
    // the way the migration does, and compare.
    const [a] = projects as [string];
    const before = await budgetFigures(db.sql, a);
    await db.sql`delete from project_cost_totals where project_id = ${a}`;
    await db.sql`
      insert into project_cost_totals (project_id, spent_usd, reserved_usd)
      select ${a}::uuid,
        coalesce((select sum(l.amount_usd) from cost_ledger l where l.project_id = ${a}), 0),
        coalesce((select sum(job_reserved_usd(j.status, j.cost_estimate_usd, j.cost_actual_usd)) from jobs j where j.project_id = ${a}), 0)`;
    const after = await budgetFigures(db.sql, a);
    expect(after).toEqual(before);
  });
});
