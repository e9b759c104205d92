import { createRedis, type Redis } from '@clapboard/server/redis';
import { createTestDatabase, type TestDatabase, testPrefix, testServices } from '@clapboard/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LimitStore, postgresLimitStore, redisLimitStore } from '../src/auth/limit-store';
import { loginThrottle } from '../src/auth/login-throttle';
import { hitRateLimit } from '../src/auth/rate-limit';

/**
 * The limit store's two implementations (Redis for the Node entry, Postgres for the edge) answer
 * the same to the same calls, and the sign-in throttle behaves the same on either.
 */
describe('limit stores: Redis and Postgres agree', () => {
  let db: TestDatabase;
  let redis: Redis;
  let stores: { name: string; store: LimitStore; prefix: string }[];

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServices(process.env);
    db = await createTestDatabase(databaseUrl);
    redis = createRedis(redisUrl);
    stores = [
      { name: 'redis', store: redisLimitStore(redis), prefix: testPrefix('limits') },
      { name: 'postgres', store: postgresLimitStore(db.sql), prefix: testPrefix('limits') },
    ];
  });
  afterAll(async () => {
    for (const { prefix } of stores) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
    }
    redis.disconnect();
    await db.drop();
  });

  /** Runs `script` against both stores and returns each one's results. */
  const onBoth = async <T>(script: (store: LimitStore, key: (k: string) => string) => Promise<T>) => {
    const results: Record<string, T> = {};
    for (const { name, store, prefix } of stores)
      results[name] = await script(store, (k) => `${prefix}:${k}`);
    return results;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('fixed windows count from the first hit and start again after they end', async () => {
    const r = await onBoth(async (store, key) => {
      const hits = [];
      for (let i = 0; i < 4; i++) hits.push(await hitRateLimit(store, key('w'), 3, 1));
      await sleep(1_100);
      const after = await hitRateLimit(store, key('w'), 3, 1);
      return {
        hits: hits.map((h) => [h.allowed, h.count, h.retryAfterSec]),
        after: [after.allowed, after.count],
      };
    });
    expect(r.redis).toEqual({
      hits: [
        [true, 1, 1],
        [true, 2, 1],
        [true, 3, 1],
        [false, 4, 1],
      ],
      after: [true, 1],
    });
    expect(r.postgres).toEqual(r.redis);
  });

  it('streaks, locks, peeks, clears and remembered sets', async () => {
    const r = await onBoth(async (store, key) => {
      const streak = [await store.streak(key('s'), 60), await store.streak(key('s'), 60)];
      const missing = await store.peek(key('none'));
      await store.hold(key('lock'), 30);
      const held = await store.peek(key('lock'));
      await store.clear(key('lock'), key('s'));
      const cleared = [await store.peek(key('lock')), await store.peek(key('s'))].map((p) => p.count);
      await store.remember(key('set'), 'a', 60);
      const known = [await store.knows(key('set'), 'a'), await store.knows(key('set'), 'b')];
      return {
        streak,
        missing: [missing.count, missing.ttlSec <= 0],
        held: [held.count, held.ttlSec > 25 && held.ttlSec <= 30],
        cleared,
        known,
      };
    });
    expect(r.redis).toEqual({
      streak: [1, 2],
      missing: [0, true],
      held: [1, true],
      cleared: [0, 0],
      known: [true, false],
    });
    expect(r.postgres).toEqual(r.redis);
  });

  it('the sign-in throttle backs one address off after its wrong passwords, on either store', async () => {
    const limits = {
      perIp: 100,
      perIpAccount: 2,
      accountCeiling: 100,
      windowSec: 60,
      accountWindowSec: 900,
      backoffBaseSec: 2,
      maxBackoffSec: 900,
    };
    const r = await onBoth(async (store, key) => {
      const throttle = loginThrottle(store, key('login'), limits);
      const outcomes: (string | number)[] = [];
      for (let i = 0; i < 3; i++) {
        try {
          const keys = await throttle.check('a@example.test', '10.0.0.1');
          await throttle.failed(keys);
          outcomes.push('wrong');
        } catch (err) {
          outcomes.push((err as { status: number }).status);
        }
      }
      // Another address is not held back, and a success clears the first one's streak.
      const other = await throttle.check('a@example.test', '10.0.0.2');
      await throttle.succeeded(other);
      return outcomes;
    });
    expect(r.redis).toEqual(['wrong', 'wrong', 429]);
    expect(r.postgres).toEqual(r.redis);
  });
});
