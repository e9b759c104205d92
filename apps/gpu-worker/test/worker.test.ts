import { createLogger } from '@clapboard/server/logger';
import { createRedis, type Redis } from '@clapboard/server/redis';
import { createTestDatabase, type TestDatabase, testPrefix, testServices } from '@clapboard/server/testing';
import { QUEUE_NAMES } from '@clapboard/shared/jobs';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClapboardWorker, createWorker } from '../src/worker';

describe('worker dispatch over real Redis', () => {
  let db: TestDatabase;
  let redis: Redis;
  let worker: ClapboardWorker;
  let queue: Queue;
  let events: QueueEvents;
  const prefix = testPrefix('worker');

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServices(process.env);
    db = await createTestDatabase(databaseUrl);
    redis = createRedis(redisUrl);
    worker = createWorker({
      redis,
      sql: db.sql,
      log: createLogger('w-test', { level: 'silent' }),
      queues: ['cpu'],
      prefix,
      processors: { 'test.echo': async (job) => ({ echoed: job.data.value }) },
    });
    await worker.ready();
    queue = new Queue(QUEUE_NAMES.cpu, { connection: redis.duplicate(), prefix });
    events = new QueueEvents(QUEUE_NAMES.cpu, { connection: redis.duplicate(), prefix });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await events.close();
    redis.disconnect();
    await db.drop();
  });

  it('runs a known job type and returns its result', async () => {
    const job = await queue.add('test.echo', { value: 42 });
    expect(await job.waitUntilFinished(events, 10_000)).toEqual({ echoed: 42 });
  });

  it('fails an unknown job type at once, without retrying', async () => {
    const job = await queue.add('no.such.type', {}, { attempts: 5 });
    await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(
      /no processor for job type "no.such.type"/,
    );
    const reloaded = await queue.getJob(job.id!);
    expect(reloaded?.attemptsMade).toBe(1);
  });
});
