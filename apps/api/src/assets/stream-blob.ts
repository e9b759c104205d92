import type { BlobStore } from '@clapboard/server/storage';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { HttpError, notFound } from '../errors/http-error';
import { parseRange } from './parse-range';

/**
 * Answers a GET with the bytes of `key` from the blob store, honouring a single HTTP Range (206
 * with Content-Range; 416 outside the object), so media elements can seek. The one place the API
 * streams stored bytes itself (signed asset downloads, share links).
 *
 * @param headers response headers besides the length and range ones (content type, disposition,
 *   caching, security headers)
 * @throws HttpError 404 when the object is gone, 416 for a range outside it
 */
export async function streamBlob(
  c: Context<AppEnv>,
  store: BlobStore,
  key: string,
  headers: Record<string, string>,
): Promise<Response> {
  const head = await store.head(key);
  if (!head) throw notFound('File');
  const range = parseRange(c.req.header('range'), head.size);
  if (range === 'unsatisfiable')
    throw new HttpError(416, 'range_not_satisfiable', 'The requested range is outside the file.', undefined, {
      'content-range': `bytes */${head.size}`,
    });
  const obj = await store.get(key, range ?? undefined);
  if (!obj) throw notFound('File');
  const out: Record<string, string> = { ...headers, 'accept-ranges': 'bytes' };
  if (range) {
    out['content-range'] = `bytes ${range.start}-${range.end}/${obj.size}`;
    out['content-length'] = String(range.end - range.start + 1);
    return c.body(obj.body, 206, out);
  }
  out['content-length'] = String(obj.size);
  return c.body(obj.body, 200, out);
}
