import type { BlobStore } from '@clapboard/server/storage';
import type { AssetKind } from '@clapboard/shared/api';
import { payloadTooLarge, unprocessable, unsupportedMediaType } from '../errors/http-error';
import { meterStream } from './metered-stream';
import { SNIFF_BYTES, type SniffedType, sniffType } from './sniff-type';
import type { UploadLimits } from './upload-limits';

export interface StoredUpload {
  type: SniffedType;
  byteSize: number;
  sha256: string;
}

/** What a person reads when the first bytes are not an accepted type (415). */
export const UNSUPPORTED_TYPE_MESSAGE =
  'This file type is not accepted. Upload JPEG, PNG, WebP, GIF, MP4, MOV, WebM, WAV, MP3, OGG, FLAC or PDF.';

/** Reads at least `n` bytes (or to the end) from the front of a stream. */
export async function readHead(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  n: number,
): Promise<{ head: Uint8Array; ended: boolean }> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < n) {
    const r = await reader.read();
    if (r.done) return { head: joinChunks(chunks, total), ended: true };
    chunks.push(r.value);
    total += r.value.byteLength;
  }
  return { head: joinChunks(chunks, total), ended: false };
}
function joinChunks(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Puts a head read with `readHead` back in front of the rest of its stream. */
export function prependHead(
  head: Uint8Array,
  ended: boolean,
  reader: ReadableStreamDefaultReader<Uint8Array>,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.byteLength) controller.enqueue(head);
      if (ended) controller.close();
    },
    async pull(controller) {
      const r = await reader.read();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/**
 * Streams one uploaded file into the store under `key`: sniffs the type from the first bytes
 * (415 before anything is written), then pipes the rest through a meter that hashes and enforces
 * the per-kind size limit (413 mid-stream; the store discards the partial object).
 */
export async function storeUpload(
  store: BlobStore,
  key: string,
  file: ReadableStream<Uint8Array>,
  limits: UploadLimits,
): Promise<StoredUpload> {
  const reader = file.getReader();
  const { head, ended } = await readHead(reader, SNIFF_BYTES);
  if (head.byteLength === 0) {
    await reader.cancel().catch(() => {});
    throw unprocessable('The file is empty.');
  }
  const type = sniffType(head);
  if (!type) {
    await reader.cancel().catch(() => {});
    throw unsupportedMediaType(UNSUPPORTED_TYPE_MESSAGE);
  }
  const maxBytes = limits.maxBytes[type.kind as AssetKind];
  if (head.byteLength > maxBytes)
    throw payloadTooLarge(`Files of kind ${type.kind} may be at most ${maxBytes} bytes.`);
  const whole = prependHead(head, ended, reader);
  const { stream, meter } = meterStream(
    whole,
    maxBytes,
    `Files of kind ${type.kind} may be at most ${maxBytes} bytes.`,
  );
  await store.put(key, stream, { contentType: type.mime });
  return { type, byteSize: meter.bytes, sha256: meter.digest() };
}
