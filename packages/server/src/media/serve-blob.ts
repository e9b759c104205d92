import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { BlobStore } from '../storage/blob-store';

/** A stored object reachable over HTTP on loopback for as long as it is open. */
export interface ServedBlob {
  /** `http://127.0.0.1:<port>/<token>`; answers GET/HEAD with byte ranges. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves one blob-store object on 127.0.0.1 (an unguessable path, byte ranges), so FFmpeg reads
 * and seeks in a lecture of gigabytes through `store.get(key, range)` — local folder or S3 alike —
 * instead of copying it to disk for each clip.
 *
 * @throws Error when `key` does not exist
 */
export async function serveBlob(store: BlobStore, key: string, contentType: string): Promise<ServedBlob> {
  const head = await store.head(key);
  if (!head) throw new Error(`The file is missing from the store (${key}).`);
  const size = head.size;
  const path = `/${randomUUID()}`;
  const server = createServer((req, res) => {
    if (req.url !== path || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404).end();
      return;
    }
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    let start = 0;
    let end = size - 1;
    if (m && (m[1] || m[2])) {
      if (m[1]) {
        start = Number(m[1]);
        if (m[2]) end = Math.min(end, Number(m[2]));
      } else start = Math.max(0, size - Number(m[2]));
      if (start > end || start >= size) {
        res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
        return;
      }
    }
    const headers = {
      'accept-ranges': 'bytes',
      'content-type': contentType,
      'content-length': String(end - start + 1),
      ...(m ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    };
    res.writeHead(m ? 206 : 200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    store.get(key, { start, end }).then(
      (obj) => {
        if (!obj) return res.destroy();
        const body = Readable.fromWeb(obj.body as unknown as WebReadableStream<Uint8Array>);
        // FFmpeg drops a connection when it seeks: stop reading the store then.
        res.once('close', () => body.destroy());
        body.once('error', () => res.destroy());
        body.pipe(res);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
