import { connectDb } from '@clapboard/server/db';
import { closeServer, listen } from '@clapboard/server/http';
import { closeOnSignals, once, runMain } from '@clapboard/server/lifecycle';
import { createLogger } from '@clapboard/server/logger';
import { connectRedis } from '@clapboard/server/redis';
import { redisNames } from '@clapboard/server/redis-keys';
import { createBlobStoreFromEnv } from '@clapboard/server/storage';
import { loadEnv } from './env';
import { createHealthServer } from './http/health-server';
import { builtInPipelines } from './pipelines';
import { defaultRenderDeps } from './pipelines/render';
import { createWorker } from './worker';

await runMain('gpu-worker', async () => {
  const env = loadEnv();
  const log = createLogger('gpu-worker', { level: env.LOG_LEVEL });
  const sql = await connectDb(env.DATABASE_URL, { applicationName: 'clapboard-worker' });
  const { redis } = await connectRedis(env.REDIS_URL);
  const store = createBlobStoreFromEnv(env);
  const worker = createWorker({
    redis,
    sql,
    log,
    queues: env.WORKER_QUEUES,
    concurrency: env.WORKER_CONCURRENCY,
    store,
    pipelines: builtInPipelines({ store, render: defaultRenderDeps() }),
    prefix: redisNames(env.REDIS_PREFIX).queuePrefix,
    socketKey: redisNames(env.REDIS_PREFIX).socketKey,
  });
  await worker.ready();
  const health = createHealthServer({
    sql,
    redis,
    report: () => ({ device: env.WORKER_DEVICE, queues: env.WORKER_QUEUES }),
  });
  const port = await listen(health, env.WORKER_PORT, env.WORKER_HOST, 'WORKER_PORT');
  log.info({ port, queues: env.WORKER_QUEUES }, 'worker ready');
  closeOnSignals(
    once(async () => {
      await closeServer(health);
      await worker.close();
      redis.disconnect();
      await sql.end({ timeout: 5 });
    }),
    log,
    30_000,
  );
});
