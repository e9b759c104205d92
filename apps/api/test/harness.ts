import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJobEmitter, createJobQueues, type JobQueues } from '@clapboard/server/jobs';
import { createLogger } from '@clapboard/server/logger';
import { createMetricsRegistry } from '@clapboard/server/metrics';
import { createRedis, type Redis } from '@clapboard/server/redis';
import { redisNames } from '@clapboard/server/redis-keys';
import { createLocalBlobStore, createS3BlobStore, s3BlobStoreEnv } from '@clapboard/server/storage';
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
import { startEdgeApp } from './edge-app';
import { startTestS3 } from './s3-server';

/**
 * Which entry the API tests drive: `node` (default: the app in-process through `app.request()`) or
 * `workerd` (the edge bundle in a workerd process, over HTTP; `npm test` runs the files listed in
 * the `workerd` project of vitest.config.ts that way a second time).
 */
export const API_RUNTIME = process.env.API_RUNTIME === 'workerd' ? 'workerd' : 'node';

export interface Harness {
  app: App;
  db: TestDatabase;
  redis: Redis;
  queues: JobQueues;
  /** BullMQ prefix of this harness. */
  prefix: string;
  /** Socket.IO Redis key the app emits job and project events under. */
  socketKey: string;
  /**
   * Resolves once every committed job run has its flow in BullMQ: at once on Node (the request added
   * it), after a dispatch pass on the edge (which leaves new runs to the outbox dispatcher).
   */
  dispatched(): Promise<void>;
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
  /** Where assets go on Node: the local folder (default) or an S3 server of the harness' own. The edge always uses S3. */
  options: { storage?: 'local' | 's3' } = {},
): Promise<Harness> {
  if (API_RUNTIME === 'workerd') return createEdgeHarness(overrides, workerTypes);
  const { databaseUrl, redisUrl } = testServices(process.env);
  const s3 = options.storage === 's3' ? await startTestS3() : undefined;
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
    blobStore: s3 ? createS3BlobStore(s3.options) : createLocalBlobStore(join(dataDir, 'blobs')),
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
    socketKey: `${prefix}:sio`,
    dispatched: async () => {},
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
      await s3?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The same harness around the edge entry: the app runs in workerd (the bundle `npm run build:edge`
 * writes) against this harness' database, Redis prefix and an S3 server (s3rver), and `app.request`
 * sends real HTTP to it, the peer address as Cloudflare's CF-Connecting-IP. The test side keeps its
 * own connections (`h.db`, `h.redis`, `h.queues`, `h.deps.blobStore` on the same bucket), and a job
 * dispatcher runs beside it as the Node worker fleet would: the edge leaves new runs to the outbox.
 */
async function createEdgeHarness(
  overrides: Partial<AppDeps>,
  workerTypes: readonly JobType[],
): Promise<Harness> {
  const { databaseUrl, redisUrl } = testServices(process.env);
  const db = await createTestDatabase(databaseUrl);
  const redis = createRedis(redisUrl);
  const dataDir = mkdtempSync(join(tmpdir(), 'clapboard-api-'));
  // REDIS_PREFIX as a deployment may set it: letters, digits, _ and - only.
  const names = redisNames(overrides.redisPrefix ?? testPrefix('api').replaceAll(':', '-'));
  if (workerTypes.length) await announceWorker(redis, names.prefix, workerTypes, 'api-test-worker');
  const queues = createJobQueues(redis, names.queuePrefix);
  const s3 = await startTestS3();
  const jwtSecret = 'test-secret-0123456789-0123456789-abcdef';
  const publicUrl = 'http://localhost:8787';
  const deps: AppDeps = {
    queues,
    emitter: createJobEmitter(redis, names.socketKey),
    submitThroughOutbox: true,
    sql: db.sql,
    redis,
    log: createLogger('api-test', { level: 'silent' }),
    jwtSecret,
    dataDir,
    publicUrl,
    blobStore: createS3BlobStore(s3.options),
    probe: createNodeMediaProbe(),
    peerAddress: peerFromEnv,
    redisPrefix: names.prefix,
    ...overrides,
  };
  const edge = await startEdgeApp({
    overrides,
    bindings: {
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: names.prefix,
      JWT_SECRET: jwtSecret,
      PUBLIC_URL: publicUrl,
      LOG_LEVEL: 'warn',
      ...s3BlobStoreEnv(s3.options),
    },
    nodeDeps: deps,
    storageOrigin: new URL(s3.options.endpoint!).origin,
  });
  return {
    app: edge.app,
    db,
    redis,
    queues,
    prefix: names.queuePrefix,
    socketKey: names.socketKey,
    dispatched: edge.dispatched,
    deps,
    redisPrefix: names.prefix,
    async close() {
      await edge.close();
      await redis.del(`${names.prefix}:models:api-test-worker`);
      await Promise.all([
        queues.queues.cpu.obliterate({ force: true }),
        queues.queues.gpu.obliterate({ force: true }),
      ]).catch(() => {});
      await queues.close();
      redis.disconnect();
      await db.drop();
      await s3.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
