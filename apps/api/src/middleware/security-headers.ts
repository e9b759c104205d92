import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';

export interface SecurityHeaderOptions {
  /** The public origin; `https:` turns on HSTS. */
  publicUrl: string;
  /**
   * Origins media may come from besides this one (an S3 bucket that signed URLs redirect to).
   * Default none.
   */
  mediaOrigins?: readonly string[];
}

/** HSTS lifetime: one year, the usual preload-list minimum. */
export const HSTS_MAX_AGE_SEC = 31_536_000;

/**
 * The policy of the web app and of every API response that does not bring its own. Scripts only
 * from this origin (the built SPA has no inline script; Vite emits `<script type="module" src>`),
 * inline styles allowed (React `style={…}` attributes), connections to this origin and to the
 * realtime server over WebSocket (a different port, so `ws:`/`wss:`), framed only by this origin.
 */
export function contentSecurityPolicy(mediaOrigins: readonly string[] = []): string {
  const media = ["'self'", 'data:', 'blob:', ...mediaOrigins].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src ${media}`,
    `media-src ${media}`,
    "font-src 'self' data:",
    // Direct uploads PUT to the storage origins (a presigned S3 URL).
    `connect-src 'self' ws: wss: ${mediaOrigins.join(' ')}`.trimEnd(),
    "worker-src 'self' blob:",
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/**
 * Security headers on every response. A route that sets its own Content-Security-Policy owns its
 * framing too (the share-link player at `/embed/*` is meant to be framed anywhere, the API docs
 * need inline styles), so then only the headers it left unset are added and X-Frame-Options is not.
 */
export function securityHeaders(options: SecurityHeaderOptions): MiddlewareHandler<AppEnv> {
  const csp = contentSecurityPolicy(options.mediaOrigins);
  const hsts = options.publicUrl.startsWith('https:') ? `max-age=${HSTS_MAX_AGE_SEC}` : null;
  return async (c, next) => {
    await next();
    let headers = c.res.headers;
    const set = (name: string, value: string) => {
      if (headers.has(name)) return;
      try {
        headers.set(name, value);
      } catch {
        // Immutable headers (a redirect or fetched response): copy once, then set.
        c.res = new Response(c.res.body, c.res);
        headers = c.res.headers;
        headers.set(name, value);
      }
    };
    if (!headers.has('content-security-policy')) {
      set('content-security-policy', csp);
      set('x-frame-options', 'SAMEORIGIN');
    }
    set('x-content-type-options', 'nosniff');
    set('referrer-policy', 'strict-origin-when-cross-origin');
    set('cross-origin-opener-policy', 'same-origin');
    if (hsts) set('strict-transport-security', hsts);
  };
}
