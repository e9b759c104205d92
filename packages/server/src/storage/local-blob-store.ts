import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { assertValidKey, type BlobStore, type ByteRange } from './blob-store';

/**
 * Blob store in a local directory (default `DATA_DIR/blobs`). Writes go to a temporary file beside
 * the target and are renamed into place only after the stream ends, so a failed upload never leaves
 * a partial object. Every key is resolved and checked to stay inside `root`.
 */
export function createLocalBlobStore(rootDir: string): BlobStore {
  const root = resolve(rootDir);

  function pathOf(key: string): string {
    assertValidKey(key);
    const full = resolve(root, key);
    // assertValidKey already refuses `..`; this holds even if that check is ever loosened.
    if (!full.startsWith(root + sep)) throw new Error('blob key escapes the store root');
    return full;
  }

  return {
    kind: 'local',
    async put(key, body) {
      const target = pathOf(key);
      await mkdir(dirname(target), { recursive: true });
      const temp = `${target}.part-${crypto.randomUUID()}`;
      try {
        await body.pipeTo(Writable.toWeb(createWriteStream(temp, { flags: 'wx' })));
        await rename(temp, target);
      } catch (err) {
        await unlink(temp).catch(() => {});
        throw err;
      }
    },
    async get(key, range?: ByteRange) {
      const path = pathOf(key);
      const info = await stat(path).catch(() => null);
      if (!info?.isFile()) return null;
      const stream = createReadStream(path, range ? { start: range.start, end: range.end } : {});
      return {
        body: Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array> & NodeWebReadableStream,
        size: info.size,
      };
    },
    async head(key) {
      const info = await stat(pathOf(key)).catch(() => null);
      return info?.isFile() ? { size: info.size } : null;
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async list(prefix) {
      const dir = resolve(root, prefix);
      if (dir !== root && !dir.startsWith(root + sep)) throw new Error('blob prefix escapes the store root');
      const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
      return entries
        .filter((e) => e.isFile())
        .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
        .sort();
    },
  };
}
