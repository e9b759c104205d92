import { connectDb } from '@clapboard/server/db';
import { closeOnSignals, once, runMain } from '@clapboard/server/lifecycle';
import { createLogger } from '@clapboard/server/logger';
import { connectRedis } from '@clapboard/server/redis';
import { redisNames } from '@clapboard/server/redis-keys';
import { loadEnv } from './env';
import { createRealtimeServer } from './server';

await runMain('realtime', async () => {
  const env = loadEnv();
  const log = createLogger('realtime', { level: env.LOG_LEVEL });
  const sql = await connectDb(env.DATABASE_URL, { applicationName: 'clapboard-realtime' });
  const { redis } = await connectRedis(env.REDIS_URL);
  const server = createRealtimeServer({
    sql,
    redis,
    log,
    jwtSecret: env.JWT_SECRET,
    socketKey: redisNames(env.REDIS_PREFIX).socketKey,
    redisPrefix: redisNames(env.REDIS_PREFIX).prefix,
    corsOrigins: env.CORS_ORIGINS?.split(',').map((o) => o.trim()),
    batchDelayMs: env.REALTIME_BATCH_MS,
    compactAfterUpdates: env.REALTIME_COMPACT_AFTER_UPDATES,
    metricsToken: env.METRICS_TOKEN,
  });
  const port = await server.listen(env.REALTIME_PORT, env.REALTIME_HOST);
  log.info({ port }, 'realtime listening');
  closeOnSignals(
    once(async () => {
      await server.close();
      redis.disconnect();
      await sql.end({ timeout: 5 });
    }),
    log,
    // Above CLOSE_DRAIN_MS (pending document writes) and below Kubernetes' 30 s grace.
    25_000,
  );
});
