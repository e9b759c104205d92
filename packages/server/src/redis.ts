import { Redis, type RedisOptions } from 'ioredis';
import { redactUrl, StartupError } from './config';

export { Redis };

/**
 * Creates an ioredis client. `maxRetriesPerRequest: null` is what BullMQ requires for blocking
 * connections; it is harmless for the others.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
    ...options,
  });
}

/**
 * Connects and checks Redis answers PING within `timeoutMs`, so a wrong `REDIS_URL` fails at start
 * with one line. Warns (via the returned flag) when the eviction policy is not `noeviction`, which
 * BullMQ needs so queued jobs are never evicted.
 */
export async function connectRedis(
  url: string,
  timeoutMs = 5_000,
): Promise<{ redis: Redis; evictionOk: boolean }> {
  const redis = createRedis(url, { lazyConnect: true, retryStrategy: () => null, connectTimeout: timeoutMs });
  redis.on('error', () => {}); // reported below as a StartupError instead
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    const reason = err instanceof Error ? err.message : String(err);
    throw new StartupError(
      `Cannot reach Redis at REDIS_URL=${redactUrl(url)} (${reason}). Check the URL, or unset REDIS_URL to let 'npm start' run a local redis-server.`,
    );
  }
  let evictionOk = true;
  try {
    const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
    evictionOk = policy[1] === 'noeviction';
  } catch {
    // managed Redis may forbid CONFIG; assume the operator configured it
  }
  redis.disconnect();
  // Hand back a client with normal reconnecting behaviour for the service's lifetime.
  return { redis: createRedis(url), evictionOk };
}

/** Readiness probe: true when PING answers within `timeoutMs`. */
export async function pingRedis(redis: Redis, timeoutMs = 2_000): Promise<boolean> {
  if (redis.status === 'end') return false;
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}
