import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { payloadTooLarge } from '../errors/http-error';

export interface Meter {
  /** Bytes that passed so far. */
  readonly bytes: number;
  /** Hex SHA-256 of everything that passed; valid once the stream has ended. */
  digest(): string;
}

/**
 * Wraps `source` so every byte is counted and hashed on the way to the store, and the stream
 * errors with 413 the moment it passes `maxBytes` (so the store aborts the write and nothing is
 * kept). Incremental hashing uses @noble/hashes because WebCrypto can only hash whole buffers.
 */
export function meterStream(
  source: ReadableStream<Uint8Array>,
  maxBytes: number,
  limitMessage: string,
): { stream: ReadableStream<Uint8Array>; meter: Meter } {
  const hash = sha256.create();
  let bytes = 0;
  let hex: string | undefined;
  const stream = source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        if (bytes > maxBytes) {
          controller.error(payloadTooLarge(limitMessage));
          return;
        }
        hash.update(chunk);
        controller.enqueue(chunk);
      },
    }),
  );
  return {
    stream,
    meter: {
      get bytes() {
        return bytes;
      },
      digest() {
        hex ??= bytesToHex(hash.digest());
        return hex;
      },
    },
  };
}
