import type { Redis } from '@clapboard/server/redis';
import { rateLimited } from '../errors/http-error';
import { hitRateLimit } from './rate-limit';

/**
 * Sign-in limits. There is no global account lock: a burst of wrong passwords from some addresses
 * slows those addresses down (per address+account backoff) while the right password from another
 * address still works. Only past `accountCeiling` failures per `accountWindowSec` (a distributed
 * attack) are addresses that never signed in to the account refused; known addresses still pass.
 */
export interface LoginRateLimit {
  /** Attempts per client address per `windowSec`, over all accounts (stops one address spraying). */
  perIp: number;
  windowSec: number;
  /** Wrong passwords from one address for one account before backoff starts. */
  perIpAccount: number;
  /** First backoff (s) after `perIpAccount` failures; doubles with each further failure. */
  backoffBaseSec: number;
  /** Longest backoff (s). */
  maxBackoffSec: number;
  /** Failures for one account, over all addresses, before unknown addresses are refused. */
  accountCeiling: number;
  accountWindowSec: number;
}

/** One defaults object: env parsing, docs and tests refer to it. */
export const DEFAULT_LOGIN_RATE_LIMIT: LoginRateLimit = {
  perIp: 20,
  windowSec: 60,
  perIpAccount: 5,
  backoffBaseSec: 2,
  maxBackoffSec: 900,
  accountCeiling: 100,
  accountWindowSec: 900,
};

/** Addresses that signed in successfully stay "known" to the account this long (30 days). */
const KNOWN_ADDRESS_TTL_SEC = 30 * 24 * 3600;
/** A failure streak of one address for one account is forgotten after an hour without failures. */
const FAILURE_MEMORY_SEC = 3600;

/** SHA-256 hex (first 16 bytes), so Redis keys never hold a raw email or address. */
export async function digest(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(bytes.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Redis keys of one (account, address) pair. */
export interface ThrottleKeys {
  fail: string;
  lock: string;
  account: string;
  known: string;
  addr: string;
}

/** The Redis state of sign-in limits for one account seen from one address. */
export function loginThrottle(redis: Redis, prefix: string, limits: LoginRateLimit) {
  const base = `${prefix}:rl:login`;
  const keysOf = async (email: string, ip: string): Promise<ThrottleKeys> => {
    const acct = await digest(email);
    const addr = await digest(ip);
    return {
      fail: `${base}:fail:${acct}:${addr}`,
      lock: `${base}:lock:${acct}:${addr}`,
      account: `${base}:acct:${acct}`,
      known: `${base}:known:${acct}`,
      addr,
    };
  };
  return {
    /** A new account's first session (registration): its address is known to it from the start. */
    async registered(email: string, ip: string) {
      await this.succeeded(await keysOf(email, ip));
    },
    /**
     * Call before checking the password; throws 429 (with Retry-After) when this attempt must wait.
     * Returns the keys `failed`/`succeeded` need.
     */
    async check(email: string, ip: string): Promise<ThrottleKeys> {
      const keys = await keysOf(email, ip);
      const byIp = await hitRateLimit(redis, `${base}:ip:${keys.addr}`, limits.perIp, limits.windowSec);
      if (!byIp.allowed)
        throw rateLimited(byIp.retryAfterSec, 'Too many sign-in attempts from your network.');
      const [lockTtl, accountFailures, known] = await Promise.all([
        redis.ttl(keys.lock),
        redis.get(keys.account),
        redis.sismember(keys.known, keys.addr),
      ]);
      if (lockTtl > 0)
        throw rateLimited(
          lockTtl,
          'Too many wrong passwords from your network for this account. Wait, then try again.',
        );
      if (Number(accountFailures ?? 0) >= limits.accountCeiling && known !== 1) {
        const ttl = await redis.ttl(keys.account);
        throw rateLimited(
          Math.max(1, ttl),
          'This account is under attack; sign-in is paused for new addresses. Try again later or from an address you used before.',
        );
      }
      return keys;
    },
    /** Counts a wrong password; starts or doubles the backoff of this address for this account. */
    async failed(keys: ThrottleKeys) {
      const [[, streak]] = (await redis
        .multi()
        .incr(keys.fail)
        .expire(keys.fail, FAILURE_MEMORY_SEC)
        .incr(keys.account)
        .expire(keys.account, limits.accountWindowSec, 'NX')
        .exec()) as [[null, number], ...unknown[]];
      if (streak >= limits.perIpAccount) {
        const wait = Math.min(
          limits.maxBackoffSec,
          limits.backoffBaseSec * 2 ** (streak - limits.perIpAccount),
        );
        await redis.set(keys.lock, '1', 'EX', Math.max(1, Math.ceil(wait)));
      }
    },
    /** Clears this address's streak and remembers it as known to the account. */
    async succeeded(keys: ThrottleKeys) {
      await redis
        .multi()
        .del(keys.fail, keys.lock)
        .sadd(keys.known, keys.addr)
        .expire(keys.known, KNOWN_ADDRESS_TTL_SEC)
        .exec();
    },
  };
}
