import { describe, expect, it } from 'vitest';
import { StartupError } from './config';
import { freePort } from './local-services';
import { connectRedis, pingRedis } from './redis';
import { testPrefix, testServices } from './testing';

const { redisUrl } = testServices(process.env);

describe('redis against a real server', () => {
  it('connects, pings and round-trips a key under a test prefix', async () => {
    const { redis } = await connectRedis(redisUrl);
    try {
      await new Promise<void>((resolve) =>
        redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve()),
      );
      expect(await pingRedis(redis)).toBe(true);
      const key = `${testPrefix('redis')}:k`;
      await redis.set(key, 'v', 'PX', 10_000);
      expect(await redis.get(key)).toBe('v');
      await redis.del(key);
    } finally {
      redis.disconnect();
    }
  });

  it('turns an unreachable REDIS_URL into one clear StartupError', async () => {
    const port = await freePort();
    const err = await connectRedis(`redis://127.0.0.1:${port}`, 1_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(
      /Cannot reach Redis at REDIS_URL=redis:\/\/127\.0\.0\.1:\d+\/? .*unset REDIS_URL/,
    );
  });
});
