import type { ByteRange } from '@clapboard/server/storage';

/**
 * Parses a `Range: bytes=…` header against an object of `size` bytes (RFC 9110 §14.1.2).
 * Returns null when there is no usable single range (serve the whole object: multi-range and
 * other units are ignored, which the RFC allows), 'unsatisfiable' for a 416, else the range.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    // suffix range: the last N bytes
    const n = Number(b);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
