import { rateLimited } from '../errors/http-error';
import type { LimitStore } from './limit-store';
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

/** The state of sign-in limits for one account seen from one address, in the shared limit store. */
export function loginThrottle(store: LimitStore, prefix: string, limits: LoginRateLimit) {
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
      const byIp = await hitRateLimit(store, `${base}:ip:${keys.addr}`, limits.perIp, limits.windowSec);
      if (!byIp.allowed)
        throw rateLimited(byIp.retryAfterSec, 'Too many sign-in attempts from your network.');
      const [lock, account, known] = await Promise.all([
        store.peek(keys.lock),
        store.peek(keys.account),
        store.knows(keys.known, keys.addr),
      ]);
      const lockTtl = lock.ttlSec;
      if (lockTtl > 0)
        throw rateLimited(
          lockTtl,
          'Too many wrong passwords from your network for this account. Wait, then try again.',
        );
      if (account.count >= limits.accountCeiling && !known) {
        throw rateLimited(
          Math.max(1, account.ttlSec),
          'This account is under attack; sign-in is paused for new addresses. Try again later or from an address you used before.',
        );
      }
      return keys;
    },
    /** Counts a wrong password; starts or doubles the backoff of this address for this account. */
    async failed(keys: ThrottleKeys) {
      const [streak] = await Promise.all([
        store.streak(keys.fail, FAILURE_MEMORY_SEC),
        store.hit(keys.account, limits.accountWindowSec),
      ]);
      if (streak >= limits.perIpAccount) {
        const wait = Math.min(
          limits.maxBackoffSec,
          limits.backoffBaseSec * 2 ** (streak - limits.perIpAccount),
        );
        await store.hold(keys.lock, wait);
      }
    },
    /** Clears this address's streak and remembers it as known to the account. */
    async succeeded(keys: ThrottleKeys) {
      await Promise.all([
        store.clear(keys.fail, keys.lock),
        store.remember(keys.known, keys.addr, KNOWN_ADDRESS_TTL_SEC),
      ]);
    },
  };
}
