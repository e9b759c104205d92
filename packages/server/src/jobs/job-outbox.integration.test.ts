import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { estimatePlan, planJob } from '@clapboard/shared/job-plan';
import { JOB_CATALOG, type JobType } from '@clapboard/shared/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import { createRedis, type Redis } from '../redis';
import { createTestDatabase, type TestDatabase, testServices, until } from '../testing';
import { flowJobIds, flowOfRun, rootJobId } from './flow-plan';
import { dispatchOutbox, startJobDispatcher, sweepQueuedRuns } from './job-outbox';
import { createJobQueues, type JobQueues } from './job-queues';
import type { JobRow } from './job-row';
import { endJob, insertJob, restartJob } from './job-store';
import { planFor } from './plan-for';
import { retryJob, submitJob } from './submit-job';

const { databaseUrl, redisUrl } = testServices(process.env);
const TYPE: JobType = 'assets.derive';
const estimate = estimatePlan(TYPE, planJob(TYPE, {}));
const fixture = fileURLToPath(new URL('./job-outbox.crash-fixture.ts', import.meta.url));

/** Runs the crashing dispatcher in a process of its own; resolves with the signal that ended it. */
function crashingDispatcher(prefix: string, crashAt: 'claimed' | 'enqueued', limit: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fixture, db.url, redisUrl, prefix, crashAt, String(limit)],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
}

let db: TestDatabase;
let redis: Redis;
let queues: JobQueues;
let projectId: string;
let userId: string;

beforeAll(async () => {
  db = await createTestDatabase(databaseUrl);
  redis = createRedis(redisUrl);
  queues = createJobQueues(redis, `outbox-test-${crypto.randomUUID()}`);
  const [u] = await db.sql<{ id: string }[]>`
    insert into users (email, name, password_hash) values ('outbox@test.local', 'O', 'x') returning id`;
  userId = u!.id;
  const [p] = await db.sql<{ id: string }[]>`
    insert into projects (name, created_by) values ('outbox', ${userId}) returning id`;
  projectId = p!.id;
  await db.sql`insert into project_members (project_id, user_id, role) values (${projectId}, ${userId}, 'owner')`;
});
afterAll(async () => {
  await queues.queues.cpu.obliterate({ force: true });
  await queues.queues.gpu.obliterate({ force: true });
  await queues.close();
  redis.disconnect();
  await db.drop();
});

/** A committed job row with no queue entry: the state an API leaves when it dies right after its commit. */
const committedJob = () =>
  insertJob(db.sql, { projectId, userId, type: TYPE, params: {}, priority: 5, estimate });
const outboxRows = async () =>
  Number((await db.sql<{ n: string }[]>`select count(*) as n from job_outbox`)[0]!.n);
/** Every BullMQ node id of a run's flow, as submit would add it. */
async function expectedIds(row: JobRow): Promise<string[]> {
  const planned = await planFor(db.sql, { type: TYPE, params: row.params });
  return flowJobIds(flowOfRun(row, planned));
}
const queue = () => queues.queues[JOB_CATALOG[TYPE].resourceClass];
/** Every job in the test's queue, counted by BullMQ (each state). */
async function bullJobCount(): Promise<number> {
  const counts = await queue().getJobCounts();
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

describe('job outbox', () => {
  it('writes an outbox row with every queued run, in the same transaction, and none for a rolled-back one', async () => {
    const before = await outboxRows();
    const row = await committedJob();
    expect(await db.sql`select run from job_outbox where job_id = ${row.id}`).toEqual([{ run: 1 }]);
    await db.sql
      .begin(async (tx) => {
        await tx`insert into jobs (project_id, type, params, priority, cost_estimate_usd, estimate, created_by)
          values (${projectId}, ${TYPE}, '{}', 5, 0, '{}', ${userId})`;
        throw new Error('roll back');
      })
      .catch(() => {});
    expect(await outboxRows()).toBe(before + 1);
    // A retry's next run gets its own row.
    await endJob(db.sql, row.id, { status: 'failed', error: 'x', outputs: [] });
    const next = await restartJob(db.sql, row.id, estimate);
    expect(next!.run).toBe(2);
    expect(await db.sql`select run from job_outbox where job_id = ${row.id} order by run`).toEqual([
      { run: 1 },
      { run: 2 },
    ]);
    const result = await dispatchOutbox(db.sql, queues, { graceMs: 0 });
    // Run 1 is no longer the job's run: cleared without queueing; run 2 is queued.
    expect(result.queued).toEqual([{ jobId: row.id, run: 2 }]);
    expect(result.alreadyQueued).toBeGreaterThanOrEqual(1);
    expect(await queue().getJob(rootJobId(row.id, 1))).toBeUndefined();
    expect(await queue().getJob(rootJobId(row.id, 2))).toBeDefined();
    expect(await outboxRows()).toBe(0);
  });

  it('a dispatcher killed after claiming and after enqueueing, then run again: every run is enqueued once', async () => {
    await queue().obliterate({ force: true });
    const rows = await Promise.all(Array.from({ length: 12 }, () => committedJob()));
    expect(await outboxRows()).toBe(12);
    const ids = (await Promise.all(rows.map(expectedIds))).flat();

    // Killed after adding the flows of its first 5 rows, before clearing them.
    expect(await crashingDispatcher(queues.prefix!, 'enqueued', 5)).toBe('SIGKILL');
    expect(await outboxRows()).toBe(12);
    const firstFive = await Promise.all(rows.map((r) => queue().getJob(rootJobId(r.id, 1))));
    expect(firstFive.filter(Boolean)).toHaveLength(5);
    // Killed after claiming rows, before enqueueing anything: its locks die with its connection.
    expect(await crashingDispatcher(queues.prefix!, 'claimed', 5)).toBe('SIGKILL');
    expect(await outboxRows()).toBe(12);

    const result = await dispatchOutbox(db.sql, queues, { graceMs: 0 });
    expect(result.queued).toHaveLength(7);
    expect(result.alreadyQueued).toBe(5);
    expect(await outboxRows()).toBe(0);
    for (const id of ids) expect(await queue().getJob(id), id).toBeDefined();
    expect(await bullJobCount()).toBe(ids.length);

    // Passes that find nothing add nothing.
    await db.sql`update jobs set status = 'cancelled', finished_at = now() where id not in ${db.sql(rows.map((r) => r.id))}`;
    expect(await sweepQueuedRuns(db.sql, 0)).toBe(12);
    const again = await dispatchOutbox(db.sql, queues, { graceMs: 0 });
    expect(again).toMatchObject({ queued: [], alreadyQueued: 12 });
    expect(await bullJobCount()).toBe(ids.length);
  });

  it('re-queues runs whose queue entries Redis lost, and never a run that already ended', async () => {
    await queue().obliterate({ force: true });
    const [lost, ended] = await Promise.all([committedJob(), committedJob()]);
    await endJob(db.sql, ended.id, { status: 'completed', outputs: [] });
    await dispatchOutbox(db.sql, queues, { graceMs: 0 });
    expect(await queue().getJob(rootJobId(lost.id, 1))).toBeDefined();
    expect(await queue().getJob(rootJobId(ended.id, 1))).toBeUndefined();

    await queue().obliterate({ force: true }); // Redis lost everything
    expect(await sweepQueuedRuns(db.sql, 0)).toBeGreaterThanOrEqual(1);
    const result = await dispatchOutbox(db.sql, queues, { graceMs: 0 });
    expect(result.queued.map((q) => q.jobId)).toContain(lost.id);
    expect(result.queued.map((q) => q.jobId)).not.toContain(ended.id);
    expect(await queue().getJob(rootJobId(lost.id, 1))).toBeDefined();
    expect(await outboxRows()).toBe(0);
  });

  it('submit and retry clear their own rows; a running dispatcher queues a crashed submission within a second of its NOTIFY', async () => {
    await queue().obliterate({ force: true });
    const { job } = await submitJob(db.sql, queues, undefined, { projectId, userId, type: TYPE, params: {} });
    expect(await queue().getJob(rootJobId(job.id, 1))).toBeDefined();
    expect(await outboxRows()).toBe(0);
    await endJob(db.sql, job.id, { status: 'cancelled', outputs: [] });
    await retryJob(db.sql, queues, undefined, { jobId: job.id, userId });
    expect(await queue().getJob(rootJobId(job.id, 2))).toBeDefined();
    expect(await outboxRows()).toBe(0);

    const dispatcher = await startJobDispatcher({
      sql: db.sql,
      queues,
      log: createLogger('outbox-test', { level: 'silent' }),
      graceMs: 100,
      everyMs: 60_000,
    });
    try {
      const crashed = await committedJob();
      const t0 = performance.now();
      await until(
        () => queue().getJob(rootJobId(crashed.id, 1)),
        (j) => j !== undefined,
        5_000,
        'the crashed submission queued by the dispatcher',
      );
      expect(performance.now() - t0).toBeLessThan(1_000);
      await until(outboxRows, (n) => n === 0, 5_000, 'the outbox cleared');
    } finally {
      await dispatcher.close();
    }
  });
});
