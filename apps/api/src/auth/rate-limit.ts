import type { Redis } from '@clapboard/server/redis';

export interface RateLimitVerdict {
  allowed: boolean;
  /** Attempts counted in the current window, this one included. */
  count: number;
  /** Seconds until the window resets (>= 1). */
  retryAfterSec: number;
}

/**
 * Fixed-window counter in Redis: INCR the key, start its expiry on the first hit. Shared by every
 * API instance, so the limit holds behind a load balancer. `limit` attempts per `windowSec` pass;
 * the next one is refused until the key expires.
 */
export async function hitRateLimit(
  redis: Redis,
  key: string,
  limit: number,
  windowSec: number,
): Promise<RateLimitVerdict> {
  const [[, count], , [, ttl]] = (await redis
    .multi()
    .incr(key)
    .expire(key, windowSec, 'NX')
    .ttl(key)
    .exec()) as [[null, number], [null, number], [null, number]];
  return { allowed: count <= limit, count, retryAfterSec: Math.max(1, ttl) };
}

/**
 * Registrations (and password-reset requests) per client address and per email per window.
 * Defaults: 10 per address and 3 per email per hour.
 */
export interface RegisterRateLimit {
  perIp: number;
  perEmail: number;
  windowSec: number;
}
export const DEFAULT_REGISTER_RATE_LIMIT: RegisterRateLimit = { perIp: 10, perEmail: 3, windowSec: 3600 };
