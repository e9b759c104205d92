import type { Context } from 'hono';

/** Reads the peer address from the runtime (the Node adapter's socket); undefined when unknown. */
export type PeerAddress = (c: Context) => string | undefined;

/**
 * The client's IP for rate limiting and the audit log. `X-Forwarded-For` is forged trivially, so it
 * is read only when `trustProxy` says a reverse proxy we run appends it; then its LAST entry is the
 * address that proxy saw (entries before it came from the client and prove nothing).
 * Falls back to `'unknown'`, which still shares one bucket rather than skipping the limit.
 */
export function clientIp(c: Context, peerAddress: PeerAddress | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for');
    const last = forwarded?.split(',').at(-1)?.trim();
    if (last) return last.slice(0, 64);
  }
  try {
    return peerAddress?.(c)?.slice(0, 64) || 'unknown';
  } catch {
    // e.g. conninfo asked outside the Node adapter (app.request without env)
    return 'unknown';
  }
}
