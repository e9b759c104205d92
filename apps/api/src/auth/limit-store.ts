import type { Sql } from '@clapboard/server/db';
import type { Redis } from '@clapboard/server/redis';

/** A counter's value and the seconds until it expires (<= 0: there is none). */
export interface Counted {
  count: number;
  ttlSec: number;
}

/**
 * The expiring counters, locks and sets that rate limits and the sign-in throttle keep, shared by
 * every API instance. Two implementations: Redis (the Node entry) and Postgres (the edge entry,
 * which would otherwise open a Redis connection on every sign-in; Postgres is open anyway).
 */
export interface LimitStore {
  /** Counts a hit in a fixed window that starts at the key's first hit and lasts `windowSec`. */
  hit(key: string, windowSec: number): Promise<Counted>;
  /** Counts one more and keeps the count `ttlSec` from now (a streak that a pause forgets). */
  streak(key: string, ttlSec: number): Promise<number>;
  /** The counter as it is, without counting. */
  peek(key: string): Promise<Counted>;
  /** Sets a lock that lasts `sec`; `peek(key).ttlSec` says how long it still holds. */
  hold(key: string, sec: number): Promise<void>;
  /** Removes counters and locks. */
  clear(...keys: string[]): Promise<void>;
  /** Adds `member` to a set whose members all live `ttlSec` from now. */
  remember(set: string, member: string, ttlSec: number): Promise<void>;
  /** Whether the set holds `member`. */
  knows(set: string, member: string): Promise<boolean>;
}

/** The deps' limit store: the one given (the edge's Postgres one), else Redis. */
export function limitStoreOf(deps: { redis: Redis; limitStore?: LimitStore }): LimitStore {
  return deps.limitStore ?? redisLimitStore(deps.redis);
}

/** The Redis implementation: INCR/EXPIRE counters, SET EX locks, SADD sets (one key each). */
export function redisLimitStore(redis: Redis): LimitStore {
  return {
    async hit(key, windowSec) {
      const [[, count], , [, ttl]] = (await redis
        .multi()
        .incr(key)
        .expire(key, windowSec, 'NX')
        .ttl(key)
        .exec()) as [[null, number], [null, number], [null, number]];
      return { count, ttlSec: ttl };
    },
    async streak(key, ttlSec) {
      const [[, count]] = (await redis.multi().incr(key).expire(key, ttlSec).exec()) as [
        [null, number],
        unknown,
      ];
      return count;
    },
    async peek(key) {
      const [[, value], [, ttl]] = (await redis.multi().get(key).ttl(key).exec()) as [
        [null, string | null],
        [null, number],
      ];
      return { count: Number(value ?? 0), ttlSec: ttl };
    },
    async hold(key, sec) {
      await redis.set(key, '1', 'EX', Math.max(1, Math.ceil(sec)));
    },
    async clear(...keys) {
      if (keys.length) await redis.del(...keys);
    },
    async remember(set, member, ttlSec) {
      await redis.multi().sadd(set, member).expire(set, ttlSec).exec();
    },
    async knows(set, member) {
      return (await redis.sismember(set, member)) === 1;
    },
  };
}

/** Expired rows are swept by about one write in this many (no timer runs on the edge). */
const SWEEP_ONE_IN = 200;

/**
 * The Postgres implementation (migration 0014: unlogged tables, so a crash forgets them as a
 * Redis restart would). Each operation is one statement; expired rows read as absent and are
 * swept now and then by the writes themselves.
 */
export function postgresLimitStore(sql: Sql): LimitStore {
  // A fragment per statement (built when called: on the edge `sql` only exists inside a request).
  const ttlOf = () => sql`greatest(ceil(extract(epoch from expires_at - now())), 0)::int`;
  const sweep = async () => {
    if (Math.random() * SWEEP_ONE_IN >= 1) return;
    await sql`delete from rate_limits where expires_at < now()`;
    await sql`delete from rate_limit_members where expires_at < now()`;
  };
  return {
    async hit(key, windowSec) {
      const [row] = await sql<{ count: number; ttl: number }[]>`
        insert into rate_limits as r (key, count, expires_at)
        values (${key}, 1, now() + make_interval(secs => ${windowSec}))
        on conflict (key) do update set
          count = case when r.expires_at <= now() then 1 else r.count + 1 end,
          expires_at = case when r.expires_at <= now() then excluded.expires_at else r.expires_at end
        returning count, ${ttlOf()} as ttl`;
      await sweep();
      return { count: row!.count, ttlSec: row!.ttl };
    },
    async streak(key, ttlSec) {
      const [row] = await sql<{ count: number }[]>`
        insert into rate_limits as r (key, count, expires_at)
        values (${key}, 1, now() + make_interval(secs => ${ttlSec}))
        on conflict (key) do update set
          count = case when r.expires_at <= now() then 1 else r.count + 1 end,
          expires_at = excluded.expires_at
        returning count`;
      return row!.count;
    },
    async peek(key) {
      const [row] = await sql<{ count: number; ttl: number }[]>`
        select count, ${ttlOf()} as ttl from rate_limits where key = ${key} and expires_at > now()`;
      return row ? { count: row.count, ttlSec: row.ttl } : { count: 0, ttlSec: -2 };
    },
    async hold(key, sec) {
      await sql`
        insert into rate_limits (key, count, expires_at)
        values (${key}, 1, now() + make_interval(secs => ${Math.max(1, Math.ceil(sec))}))
        on conflict (key) do update set count = 1, expires_at = excluded.expires_at`;
    },
    async clear(...keys) {
      if (keys.length) await sql`delete from rate_limits where key = any(${keys}::text[])`;
    },
    async remember(set, member, ttlSec) {
      // As Redis' EXPIRE on the set: every member lives ttlSec from now.
      await sql.begin(async (tx) => {
        await tx`update rate_limit_members set expires_at = now() + make_interval(secs => ${ttlSec}) where key = ${set}`;
        await tx`
          insert into rate_limit_members (key, member, expires_at)
          values (${set}, ${member}, now() + make_interval(secs => ${ttlSec}))
          on conflict (key, member) do update set expires_at = excluded.expires_at`;
      });
      await sweep();
    },
    async knows(set, member) {
      const [row] = await sql`
        select 1 from rate_limit_members where key = ${set} and member = ${member} and expires_at > now()`;
      return row !== undefined;
    },
  };
}
