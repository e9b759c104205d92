import type { BlobStore } from '@clapboard/server/storage';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { payloadTooLarge } from '../errors/http-error';
import { type ChecksumAlgorithm, checksumMismatch } from './tus-headers';

export interface ReceivedChunk {
  /** Bytes kept under the key (0: nothing kept, the key is gone). */
  bytes: number;
  /** The client went away mid-body; what arrived until then was kept (no checksum asked). */
  interrupted: boolean;
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Streams one PATCH body into the blob store under `key`, as one chunk of a resumable upload.
 *
 * A dropped connection is the normal case here, not an error: when the body breaks off, the bytes
 * that did arrive are kept (tus: the server SHOULD store what it received), so the client resumes
 * from just there. With `Upload-Checksum` the chunk is all or nothing instead: a partial body
 * cannot be verified, so it is discarded, and a mismatch answers 460 with nothing kept.
 *
 * @param maxBytes bytes still missing from the upload; more is 413 and nothing is kept
 */
export async function receiveChunk(
  store: BlobStore,
  key: string,
  body: ReadableStream<Uint8Array>,
  opts: { maxBytes: number; checksum: { algorithm: ChecksumAlgorithm; digest: Uint8Array } | null },
): Promise<ReceivedChunk> {
  const reader = body.getReader();
  const hash = opts.checksum ? (opts.checksum.algorithm === 'sha1' ? sha1 : sha256).create() : null;
  let bytes = 0;
  let interrupted = false;
  const tooLarge = () =>
    payloadTooLarge(`This PATCH carries more than the ${opts.maxBytes} bytes still missing.`);
  const guarded = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let r: Awaited<ReturnType<typeof reader.read>>;
      try {
        r = await reader.read();
      } catch (err) {
        // The client went away. Without a checksum what arrived is good; with one it is unverifiable.
        interrupted = true;
        if (hash) controller.error(err);
        else controller.close();
        return;
      }
      if (r.done) {
        controller.close();
        return;
      }
      bytes += r.value.byteLength;
      if (bytes > opts.maxBytes) {
        controller.error(tooLarge());
        return;
      }
      hash?.update(r.value);
      controller.enqueue(r.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  try {
    await store.put(key, guarded, { contentType: 'application/octet-stream' });
  } catch (err) {
    if (interrupted) return { bytes: 0, interrupted };
    throw err;
  }
  if (bytes === 0 || (hash && !equal(hash.digest(), opts.checksum!.digest))) {
    await store.delete(key);
    if (bytes > 0) throw checksumMismatch();
    return { bytes: 0, interrupted };
  }
  return { bytes, interrupted };
}
