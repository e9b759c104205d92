import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJobEmitter, createJobQueues, type JobQueues } from '@clapboard/server/jobs';
import { createLogger } from '@clapboard/server/logger';
import { createMetricsRegistry } from '@clapboard/server/metrics';
import { createRedis, type Redis } from '@clapboard/server/redis';
import { createLocalBlobStore } from '@clapboard/server/storage';
import {
  announceWorker,
  createTestDatabase,
  type TestDatabase,
  testPrefix,
  testServices,
} from '@clapboard/server/testing';

export { announceWorker };

import { JOB_TYPES, type JobType } from '@clapboard/shared/jobs';
import { serveStatic } from '@hono/node-server/serve-static';
import { type App, type AppDeps, createApp } from '../src/app';
import { createNodeMediaProbe } from '../src/media/node-media-probe';
import { createProjectListCache } from '../src/projects/project-list-cache';

export interface Harness {
  app: App;
  db: TestDatabase;
  redis: Redis;
  queues: JobQueues;
  /** BullMQ prefix and Socket.IO key of this harness. */
  prefix: string;
  deps: AppDeps;
  /** REDIS_PREFIX the app reads worker reports under. */
  redisPrefix: string;
  close(): Promise<void>;
}

/** The peer address tests hand in through `app.request(path, init, { ip })`. */
const peerFromEnv = (c: { env?: unknown }) => (c.env as { ip?: string } | undefined)?.ip;

/**
 * The API in-process against a fresh real Postgres database and the real Redis (own key prefix),
 * with its own data folder, the local blob store and the real sharp/ffprobe probe.
 * `app.request()` exercises the exact app `main.ts` serves.
 */
export async function createHarness(
  overrides: Partial<AppDeps> = {},
  /** Job types a (published) worker runs; default every catalog type. */
  workerTypes: readonly JobType[] = JOB_TYPES,
): Promise<Harness> {
  const { databaseUrl, redisUrl } = testServices(process.env);
  const db = await createTestDatabase(databaseUrl);
  const redis = createRedis(redisUrl);
  const dataDir = mkdtempSync(join(tmpdir(), 'clapboard-api-'));
  const prefix = testPrefix('api');
  const redisPrefix = overrides.redisPrefix ?? testPrefix('api');
  if (workerTypes.length) await announceWorker(redis, redisPrefix, workerTypes, 'api-test-worker');
  const queues = createJobQueues(redis, prefix);
  const deps: AppDeps = {
    queues,
    emitter: createJobEmitter(redis, `${prefix}:sio`),
    serveStatic,
    sql: db.sql,
    redis,
    log: createLogger('api-test', { level: 'silent' }),
    jwtSecret: 'test-secret-0123456789-0123456789-abcdef',
    dataDir,
    publicUrl: 'http://localhost:8787',
    blobStore: createLocalBlobStore(join(dataDir, 'blobs')),
    probe: createNodeMediaProbe(),
    peerAddress: peerFromEnv,
    redisPrefix,
    // As main.ts runs it: every API test reads the project list through the cache.
    projectListCache: createProjectListCache({ databaseUrl: db.url }),
    metrics: { registry: createMetricsRegistry('api') },
    ...overrides,
  };
  return {
    app: createApp(deps),
    db,
    redis,
    queues,
    prefix,
    deps,
    redisPrefix,
    async close() {
      await redis.del(`${redisPrefix}:models:api-test-worker`);
      await Promise.all([
        queues.queues.cpu.obliterate({ force: true }),
        queues.queues.gpu.obliterate({ force: true }),
      ]).catch(() => {});
      await queues.close();
      await deps.projectListCache?.close();
      redis.disconnect();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
