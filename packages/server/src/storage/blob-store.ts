/** An inclusive byte range, as HTTP Range uses it. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface BlobObject {
  /** The bytes (the whole object, or the requested range). */
  body: ReadableStream<Uint8Array>;
  /** Size of the whole object in bytes. */
  size: number;
}

/**
 * Where asset bytes live. Keys are server-generated (`projects/<id>/assets/<id>/original`), never
 * taken from a file name. Two backends implement it: a local directory and any S3-compatible store;
 * both pass the same contract tests.
 */
export interface BlobStore {
  /** Short name for logs and health (`local`, `s3`). */
  readonly kind: string;
  /**
   * Streams `body` into `key`. The object appears only when the stream ends cleanly; when the
   * stream errors (size limit, client gone) nothing is left under `key` and the error is rethrown.
   */
  put(key: string, body: ReadableStream<Uint8Array>, options: { contentType: string }): Promise<void>;
  /** Reads `key` (optionally a range); null when it does not exist. */
  get(key: string, range?: ByteRange): Promise<BlobObject | null>;
  /** Size of `key`, or null when it does not exist. */
  head(key: string): Promise<{ size: number } | null>;
  /** Deletes `key`; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Every key under `prefix` (for cleanup and tests). */
  list(prefix: string): Promise<string[]>;
  /**
   * A URL the browser can fetch directly until `expiresInSec` passes (S3 presigned GET). Stores that
   * cannot (the local directory) leave this out and the API streams the bytes itself.
   */
  presignGet?(
    key: string,
    options: { expiresInSec: number; contentType?: string; contentDisposition?: string },
  ): Promise<string>;
  /**
   * A URL the browser can PUT exactly `contentLength` bytes of `contentType` to until
   * `expiresInSec` passes (S3 presigned PUT, both headers signed), so an upload skips the API.
   * Stores that cannot (the local directory) leave this out.
   */
  presignPut?(
    key: string,
    options: { expiresInSec: number; contentType: string; contentLength: number },
  ): Promise<string>;
}

/** Keys are lowercase path segments of `[a-z0-9._-]`, no empty, `.` or `..` segment. */
const SEGMENT = /^[a-z0-9_-][a-z0-9._-]{0,127}$/;

/** Throws when `key` is not a well-formed store key (defence in depth against path traversal). */
export function assertValidKey(key: string): void {
  const parts = key.split('/');
  if (key.length > 512 || parts.length > 12 || !parts.every((p) => SEGMENT.test(p) && !/^\.+$/.test(p)))
    throw new Error(`invalid blob key: ${JSON.stringify(key.slice(0, 80))}`);
}

/** A stream of one in-memory buffer, for `BlobStore.put` of bytes already held (thumbnails, logos). */
export function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(ctl) {
      ctl.enqueue(bytes);
      ctl.close();
    },
  });
}
