import { TUS } from '@clapboard/shared/api';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { badRequest, HttpError } from '../errors/http-error';

/** Headers every tus response carries. */
export const TUS_RESUMABLE = { 'Tus-Resumable': TUS.version } as const;

/** What `OPTIONS` advertises: the version, the extensions, the size limit, checksum algorithms. */
export function tusCapabilities(maxBytes: number): Record<string, string> {
  return {
    ...TUS_RESUMABLE,
    'Tus-Version': TUS.version,
    'Tus-Extension': TUS.extensions.join(','),
    'Tus-Max-Size': String(maxBytes),
    'Tus-Checksum-Algorithm': TUS.checksumAlgorithms.join(','),
  };
}

/** 412 unless the request speaks tus 1.0.0 (every tus request but OPTIONS must say so). */
export function assertTusResumable(header: string | undefined): void {
  if (header !== TUS.version)
    throw new HttpError(
      412,
      'precondition_failed',
      `This server speaks tus ${TUS.version}: send "Tus-Resumable: ${TUS.version}".`,
      undefined,
      { 'Tus-Version': TUS.version },
    );
}

/** A non-negative integer header (Upload-Length, Upload-Offset); 400 when missing or malformed. */
export function integerHeader(name: string, value: string | undefined): number {
  if (value === undefined || !/^\d{1,16}$/.test(value.trim()))
    throw badRequest(`${name} must be a non-negative integer.`);
  return Number(value.trim());
}

/**
 * Parses `Upload-Metadata`: comma-separated `key base64value` pairs (value optional). Keys are
 * ASCII without spaces or commas; at most 20 pairs and 4 KiB, so the header cannot balloon.
 */
export function parseUploadMetadata(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header?.trim()) return out;
  if (header.length > 4096) throw badRequest('Upload-Metadata is too long (at most 4 KiB).');
  const pairs = header.split(',');
  if (pairs.length > 20) throw badRequest('Upload-Metadata has too many keys (at most 20).');
  for (const pair of pairs) {
    const [key, value, extra] = pair.trim().split(' ');
    if (!key || extra !== undefined || !/^[\x21-\x2b\x2d-\x7e]+$/.test(key) || key in out)
      throw badRequest('Upload-Metadata must be "key base64value" pairs separated by commas.');
    out[key] = value ? decodeBase64Text(value) : '';
  }
  return out;
}

function decodeBase64Text(value: string): string {
  try {
    const bytes = Uint8Array.from(atob(value), (ch) => ch.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest('Upload-Metadata values must be base64 of UTF-8 text.');
  }
}

export type ChecksumAlgorithm = (typeof TUS.checksumAlgorithms)[number];

/** `Upload-Checksum: <algorithm> <base64 digest>`; null when absent, 400 for an unknown algorithm. */
export function parseUploadChecksum(
  header: string | undefined,
): { algorithm: ChecksumAlgorithm; digest: Uint8Array } | null {
  if (!header) return null;
  const [algorithm, b64] = header.trim().split(' ');
  if (!algorithm || !b64 || !(TUS.checksumAlgorithms as readonly string[]).includes(algorithm))
    throw badRequest(`Upload-Checksum must be "<${TUS.checksumAlgorithms.join('|')}> <base64 digest>".`, {
      supported: TUS.checksumAlgorithms,
    });
  try {
    return {
      algorithm: algorithm as ChecksumAlgorithm,
      digest: Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0)),
    };
  } catch {
    throw badRequest('Upload-Checksum digest must be base64.');
  }
}

/** 460 Checksum Mismatch (tus checksum extension). */
export const checksumMismatch = () =>
  new HttpError(
    460 as ContentfulStatusCode,
    'checksum_mismatch',
    'The bytes received do not match Upload-Checksum; nothing was kept. Send this chunk again.',
  );
