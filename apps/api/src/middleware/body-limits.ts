import { API_PREFIX } from '@clapboard/shared/api';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../app-env';
import { payloadTooLarge } from '../errors/http-error';

/** One defaults object for request body sizes (bytes). */
export const BODY_LIMIT_DEFAULTS = {
  /** Every JSON (or other buffered) body: the largest legitimate one is a few KiB. */
  jsonBytes: 1024 * 1024,
} as const;

/**
 * Routes that read their body as a stream and cap it themselves, by kind, while it arrives
 * (`storeUpload`'s meter for multipart assets, the tus PATCH's offset and per-kind length, the
 * script imports' 2 MB `MAX_SCRIPT_IMPORT_BYTES` read streamed and cut off at the limit). They
 * must not be buffered here: a 2 GiB video would otherwise sit in memory.
 */
const STREAMED_ROUTES: readonly { method: string; path: RegExp }[] = [
  { method: 'POST', path: new RegExp(`^${API_PREFIX}/projects/[^/]+/assets$`) },
  { method: 'PATCH', path: new RegExp(`^${API_PREFIX}/uploads/[^/]+$`) },
  { method: 'POST', path: new RegExp(`^${API_PREFIX}/script-imports(/preview)?$`) },
  { method: 'POST', path: new RegExp(`^${API_PREFIX}/projects/[^/]+/script-import$`) },
  // Brand kit files, read with `readBounded` at their own limits (2 MiB logos, 4 MiB fonts).
  { method: 'PUT', path: new RegExp(`^${API_PREFIX}/brand-kits/[^/]+/logo$`) },
  { method: 'POST', path: new RegExp(`^${API_PREFIX}/brand-kits/[^/]+/fonts$`) },
];

export const isStreamedRoute = (method: string, path: string) =>
  STREAMED_ROUTES.some((r) => r.method === method && r.path.test(path));

/**
 * Refuses a body over the limit with 413 before any handler or validator parses it. A declared
 * `Content-Length` over the limit is refused without reading a byte; a chunked body is counted as
 * it arrives and refused as soon as it passes the limit, so at most `jsonBytes` are ever held.
 */
export function bodyLimits(options: { jsonBytes?: number } = {}): MiddlewareHandler<AppEnv> {
  const maxSize = options.jsonBytes ?? BODY_LIMIT_DEFAULTS.jsonBytes;
  const limited = bodyLimit({
    maxSize,
    onError: () => {
      throw payloadTooLarge(`The request body may be at most ${maxSize} bytes.`);
    },
  });
  return (c, next) => (isStreamedRoute(c.req.method, c.req.path) ? next() : limited(c, next));
}
