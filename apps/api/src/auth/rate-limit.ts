import type { LimitStore } from './limit-store';

export interface RateLimitVerdict {
  allowed: boolean;
  /** Attempts counted in the current window, this one included. */
  count: number;
  /** Seconds until the window resets (>= 1). */
  retryAfterSec: number;
}

/**
 * Fixed-window counter in the shared limit store (Redis, or Postgres on the edge): the window
 * starts at the key's first hit. Shared by every API instance, so the limit holds behind a load
 * balancer. `limit` attempts per `windowSec` pass; the next one is refused until the window ends.
 */
export async function hitRateLimit(
  store: LimitStore,
  key: string,
  limit: number,
  windowSec: number,
): Promise<RateLimitVerdict> {
  const { count, ttlSec } = await store.hit(key, windowSec);
  return { allowed: count <= limit, count, retryAfterSec: Math.max(1, ttlSec) };
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

/** How many jobs (submissions and retries) one member may start per window, over all projects. */
export interface JobSubmitRate {
  /** 0 turns the limit off. */
  perMember: number;
  windowSec: number;
}
/**
 * 300 a minute: far above a person clicking (a whole storyboard's frames, one job each), low enough
 * that one member's script or runaway client cannot flood the queues every project shares. Money is
 * bounded separately, by budgets.
 */
export const DEFAULT_JOB_SUBMIT_RATE: JobSubmitRate = { perMember: 300, windowSec: 60 };

/** How many storyboard drafts (template or LLM) one member may ask for per window, over all briefs. */
export type BriefDraftRate = JobSubmitRate;
/**
 * 30 an hour: a team iterating on a brief asks a few times an hour; each LLM draft is one or two
 * paid provider requests, so a runaway client stops here long before the budget would.
 */
export const DEFAULT_BRIEF_DRAFT_RATE: BriefDraftRate = { perMember: 30, windowSec: 3600 };
