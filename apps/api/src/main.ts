import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { connectDb, migrate } from '@clapboard/server/db';
import { closeServer, listen } from '@clapboard/server/http';
import { createJobEmitter, createJobQueues, startJobDispatcher } from '@clapboard/server/jobs';
import { closeOnSignals, once, runMain } from '@clapboard/server/lifecycle';
import { createLogger } from '@clapboard/server/logger';
import { createMetricsRegistry, queueBacklogMetrics } from '@clapboard/server/metrics';
import { connectRedis } from '@clapboard/server/redis';
import { redisNames } from '@clapboard/server/redis-keys';
import { createRevocationCache } from '@clapboard/server/sessions';
import { createBlobStoreFromEnv } from '@clapboard/server/storage';
import { getRequestListener } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import { createApp } from './app';
import { ACCESS_TOKEN_TTL_SEC } from './auth/access-token';
import { limitsFromEnv, loadEnv } from './env';
import { createSmtpMailer } from './mail/mailer';
import { createNodeMediaProbe } from './media/node-media-probe';
import { s3MediaOrigins } from './middleware/s3-media-origins';
import { createProjectListCache } from './projects/project-list-cache';
import { sweepExpiredUploads } from './uploads/sweep-expired-uploads';

await runMain('api', async () => {
  const env = loadEnv();
  const log = createLogger('api', { level: env.LOG_LEVEL });
  const sql = await connectDb(env.DATABASE_URL, { applicationName: 'clapboard-api' });
  const applied = await migrate(sql);
  if (applied.length) log.info({ applied }, 'migrations applied');
  const { redis, evictionOk } = await connectRedis(env.REDIS_URL);
  if (!evictionOk)
    log.warn('Redis maxmemory-policy is not noeviction: BullMQ may lose jobs under memory pressure');

  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.API_PORT}`;
  const webDist = env.WEB_DIST && existsSync(env.WEB_DIST) ? env.WEB_DIST : undefined;
  const names = redisNames(env.REDIS_PREFIX);
  const queues = createJobQueues(redis, names.queuePrefix);
  const emitter = createJobEmitter(redis, names.socketKey);
  const blobStore = createBlobStoreFromEnv(env);
  const projectListCache =
    env.PROJECT_LIST_CACHE_MB > 0
      ? createProjectListCache({
          databaseUrl: env.DATABASE_URL,
          log,
          maxBytes: Math.round(env.PROJECT_LIST_CACHE_MB * 1024 * 1024),
        })
      : undefined;
  // Every authenticated request checks the session deny-list; this mirror answers it locally.
  const metricsRegistry = createMetricsRegistry('api');
  // Queue backlog from the always-running API: KEDA scales a worker pool up from zero on it.
  queueBacklogMetrics(metricsRegistry, redis, names.queuePrefix);
  const revocations = await createRevocationCache(redis, names.prefix, log, ACCESS_TOKEN_TTL_SEC);
  const app = createApp({
    sql,
    redis,
    log,
    jwtSecret: env.JWT_SECRET,
    dataDir: env.DATA_DIR,
    publicUrl,
    webDist,
    realtimePublicUrl: env.REALTIME_PUBLIC_URL,
    queues,
    emitter,
    serveStatic,
    redisPrefix: names.prefix,
    revocations,
    blobStore,
    probe: createNodeMediaProbe({ ffprobePath: env.FFPROBE_PATH, ffmpegPath: env.FFMPEG_PATH }),
    ...limitsFromEnv(env),
    mailer: env.SMTP_URL ? createSmtpMailer(env.SMTP_URL, env.SMTP_FROM) : undefined,
    // The socket's address; conninfo is the Node adapter's, so the app itself stays runtime-neutral.
    peerAddress: (c) => getConnInfo(c).remote.address,
    trustProxy: env.TRUST_PROXY,
    projectListCache,
    metrics: { registry: metricsRegistry, token: env.METRICS_TOKEN },
    mediaOrigins: s3MediaOrigins(env),
    probeServiceToken: env.MEDIA_PROBE_TOKEN,
  });

  const server = createServer(getRequestListener(app.fetch));
  const port = await listen(server, env.API_PORT, env.API_HOST, 'API_PORT');
  log.info(
    { port, publicUrl, blobStore: blobStore.kind, passwordReset: env.SMTP_URL ? 'email' : 'admin' },
    'api listening',
  );

  // Adds the flow of every queued run the submitting request did not (it died after its commit, or
  // Redis was down), and re-queues queued runs whose queue entries Redis lost.
  const dispatcher = await startJobDispatcher({
    sql,
    queues,
    log,
    emitter,
    sweepAfterSec: env.JOB_RECONCILE_AFTER_SEC,
    sweepEverySec: env.JOB_RECONCILE_EVERY_SEC,
  });

  // Abandoned resumable uploads (nobody PATCHed them before they expired) give their bytes back.
  const sweep = () =>
    sweepExpiredUploads(sql, blobStore).then(
      (n) => n > 0 && log.info({ uploads: n }, 'swept expired uploads'),
      (err: unknown) => log.error({ err }, 'upload sweep failed'),
    );
  const sweepTimer = setInterval(sweep, env.UPLOAD_SWEEP_EVERY_SEC * 1000);
  sweepTimer.unref();
  const close = once(async () => {
    await dispatcher.close();
    clearInterval(sweepTimer);
    await closeServer(server);
    await queues.close();
    await projectListCache?.close();
    revocations.close();
    redis.disconnect();
    await sql.end({ timeout: 5 });
  });
  closeOnSignals(close, log);
});
