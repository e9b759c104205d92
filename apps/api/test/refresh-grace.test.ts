import { connectRedis, type Redis } from '@clapboard/server/redis';
import { testPrefix, testServices } from '@clapboard/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitGrace, type GraceEntry, saveGrace } from '../src/auth/refresh-grace';

const { redisUrl } = testServices(process.env);
let redis: Redis;
beforeAll(async () => {
  ({ redis } = await connectRedis(redisUrl));
});
afterAll(() => redis.disconnect());

const entry: GraceEntry = {
  token: 'next-token',
  expiresAt: new Date(0).toISOString(),
  familyId: 'f',
  userId: 'u',
};

describe('refresh grace (concurrent tabs)', () => {
  it('a tab that arrives before the rotation is saved wakes when it is saved, not on a timer', async () => {
    const prefix = testPrefix('grace');
    const started = performance.now();
    const waiting = awaitGrace(redis, prefix, 'rotated-token', 5_000);
    const second = awaitGrace(redis, prefix, 'rotated-token', 5_000);
    await new Promise((r) => setTimeout(r, 150)); // the rotating request is slower than both tabs
    await saveGrace(redis, prefix, 'rotated-token', entry);
    expect(await waiting).toEqual(entry);
    expect(await second).toEqual(entry); // every waiting tab wakes, the first does not take it
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('another token cannot read the successor, and nothing saved means null after the wait', async () => {
    const prefix = testPrefix('grace');
    await saveGrace(redis, prefix, 'rotated-token', entry);
    const started = performance.now();
    expect(await awaitGrace(redis, prefix, 'other-token', 300)).toBeNull();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(await awaitGrace(redis, prefix, 'rotated-token', 300)).toEqual(entry);
  });
});
