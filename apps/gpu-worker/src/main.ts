import { hostname } from 'node:os';
import { connectDb } from '@clapboard/server/db';
import { closeServer, listen } from '@clapboard/server/http';
import { closeOnSignals, once, runMain } from '@clapboard/server/lifecycle';
import { createLogger } from '@clapboard/server/logger';
import { connectRedis } from '@clapboard/server/redis';
import { redisNames } from '@clapboard/server/redis-keys';
import { createBlobStoreFromEnv } from '@clapboard/server/storage';
import { loadEnv } from './env';
import { healthReport } from './http/health-report';
import { createHealthServer } from './http/health-server';
import { loadUserModels } from './models/load-user-models';
import { createModelRegistry } from './models/model-registry';
import { formatModelsMetrics } from './models/models-metrics';
import { registerBundledModels } from './models/register-bundled-models';
import { selectDevice } from './models/select-device';
import { startModelsReport } from './models/start-models-report';
import { builtInPipelines } from './pipelines';
import { defaultRenderDeps } from './pipelines/render';
import { selectProviders } from './providers/select-providers';
import { createWorker } from './worker';

await runMain('gpu-worker', async () => {
  const env = loadEnv();
  const log = createLogger('gpu-worker', { level: env.LOG_LEVEL });
  // Device first: WORKER_DEVICE=cuda without a usable GPU stops here with a StartupError.
  const device = await selectDevice(env.WORKER_DEVICE, { log });
  const registry = createModelRegistry({
    device,
    log,
    concurrency: { cpu: env.MODEL_CONCURRENCY_CPU, cuda: env.MODEL_CONCURRENCY_CUDA },
    cpuThreads: env.MODEL_CPU_THREADS || undefined,
  });
  registerBundledModels(registry);
  await loadUserModels(registry, env.MODELS_DIR, log);
  // Pipelines take these task implementations; selecting them here puts remote ones in the report.
  const providers = selectProviders(env, registry);
  log.info(
    {
      chat: providers.chat?.source ?? null,
      images: providers.images?.source ?? null,
      asr: providers.transcriber.source,
      music: providers.music?.source ?? null,
    },
    'task providers',
  );
  const workerId = env.WORKER_ID ?? `${hostname()}-${process.pid}`;

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
    pipelines: builtInPipelines({
      store,
      render: defaultRenderDeps({ registry, images: providers.images, music: providers.music }),
    }),
    prefix: redisNames(env.REDIS_PREFIX).queuePrefix,
    socketKey: redisNames(env.REDIS_PREFIX).socketKey,
  });
  await worker.ready();
  const modelsReport = startModelsReport({
    redis,
    redisPrefix: redisNames(env.REDIS_PREFIX).prefix,
    registry,
    workerId,
    log,
    intervalMs: env.MODELS_REPORT_INTERVAL_MS,
  });
  const health = createHealthServer({
    sql,
    redis,
    report: () => healthReport({ registry, workerId, queues: env.WORKER_QUEUES }),
    metrics: () => formatModelsMetrics(registry),
  });
  const port = await listen(health, env.WORKER_PORT, env.WORKER_HOST, 'WORKER_PORT');
  log.info({ port, queues: env.WORKER_QUEUES, provider: device.provider }, 'worker ready');
  closeOnSignals(
    once(async () => {
      await closeServer(health);
      modelsReport.stop();
      await worker.close();
      await registry.close();
      redis.disconnect();
      await sql.end({ timeout: 5 });
    }),
    log,
    30_000,
  );
});
