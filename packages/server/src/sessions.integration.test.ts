import type { SessionRevocation } from '@clapboard/shared/sessions';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { createRedis } from './redis';
import {
  createRevocationCache,
  isSessionRevoked,
  publishRevocation,
  revocationCovers,
  revocationNames,
  subscribeRevocations,
} from './sessions';
import { testPrefix, testServices } from './testing';

const { redisUrl } = testServices(process.env);
const userId = '00000000-0000-4000-8000-000000000001';
const sid = (n: number) => `00000000-0000-4000-8000-00000000010${n}`;

describe('session revocations on a real Redis', () => {
  const redis = createRedis(redisUrl);
  afterAll(() => redis.disconnect());

  it('deny-lists the sessions for the TTL and delivers only well-formed revocations to subscribers', async () => {
    const prefix = testPrefix('sessions');
    const got: SessionRevocation[] = [];
    const sub = await subscribeRevocations(redis, prefix, createLogger('t', { level: 'silent' }), (r) =>
      got.push(r),
    );
    try {
      expect(await isSessionRevoked(redis, prefix, sid(1))).toBe(false);
      // A forged or malformed message on the channel is dropped, not acted on.
      await redis.publish(revocationNames(prefix).channel, JSON.stringify({ userId, allSessions: true }));
      await redis.publish(revocationNames(prefix).channel, 'not json');
      const revocation: SessionRevocation = {
        userId,
        sessionIds: [sid(1)],
        allSessions: false,
        reason: 'logout',
      };
      await publishRevocation(redis, prefix, revocation, 30);
      const deadline = Date.now() + 2_000;
      while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(got).toEqual([revocation]);
      expect(await isSessionRevoked(redis, prefix, sid(1))).toBe(true);
      expect(await isSessionRevoked(redis, prefix, sid(2))).toBe(false);
      const ttl = await redis.ttl(revocationNames(prefix).key(sid(1)));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30);
    } finally {
      sub.close();
      await redis.del(revocationNames(prefix).key(sid(1)));
    }
  });

  it('the local mirror knows keys written before it started and revocations published after, without a Redis call', async () => {
    const prefix = testPrefix('mirror');
    const log = createLogger('t', { level: 'silent' });
    await publishRevocation(
      redis,
      prefix,
      { userId, sessionIds: [sid(3)], allSessions: false, reason: 'logout' },
      30,
    );
    const cache = await createRevocationCache(redis, prefix, log, 30);
    try {
      expect(cache.isRevoked(sid(3))).toBe(true); // a plain boolean: answered locally
      expect(cache.isRevoked(sid(4))).toBe(false);
      await publishRevocation(
        redis,
        prefix,
        { userId, sessionIds: [sid(4)], allSessions: false, reason: 'logout' },
        30,
      );
      const deadline = Date.now() + 2_000;
      while (cache.isRevoked(sid(4)) !== true && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 5));
      expect(cache.isRevoked(sid(4))).toBe(true);
    } finally {
      cache.close();
      await redis.del(revocationNames(prefix).key(sid(3)), revocationNames(prefix).key(sid(4)));
    }
  });

  it('covers the listed sessions of that user, or all of them, and nobody else', () => {
    const some: SessionRevocation = {
      userId,
      sessionIds: [sid(1)],
      allSessions: false,
      reason: 'password_changed',
    };
    expect(revocationCovers(some, userId, sid(1))).toBe(true);
    expect(revocationCovers(some, userId, sid(2))).toBe(false);
    expect(revocationCovers(some, userId, undefined)).toBe(false);
    expect(revocationCovers(some, '00000000-0000-4000-8000-000000000009', sid(1))).toBe(false);
    const all: SessionRevocation = { ...some, sessionIds: [], allSessions: true, reason: 'account_deleted' };
    expect(revocationCovers(all, userId, undefined)).toBe(true);
    expect(revocationCovers(all, userId, sid(2))).toBe(true);
  });
});
