import { validationFailed } from '../errors/http-error';

/**
 * Keyset cursors over `(created_at, id)`, newest first. The timestamp travels as Postgres' own text
 * form so microseconds survive the round trip (a JS Date would drop them and skip or repeat rows).
 */
export interface Cursor {
  createdAt: string;
  id: string;
}

/** Encodes a cursor as opaque base64url JSON. */
export function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify([cursor.createdAt, cursor.id]))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

/** Decodes a cursor from `encodeCursor`; a malformed one is a 400, never a 500. */
export function decodeCursor(raw: string | undefined): Cursor | null {
  if (!raw) return null;
  try {
    const [createdAt, id] = JSON.parse(atob(raw.replaceAll('-', '+').replaceAll('_', '/'))) as unknown[];
    if (
      typeof createdAt === 'string' &&
      typeof id === 'string' &&
      /^[0-9a-f-]{36}$/i.test(id) &&
      // Postgres' timestamptz text, e.g. `2026-11-21 09:48:56.123456+00`; anything else would be a 500.
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.test(createdAt)
    )
      return { createdAt, id };
  } catch {
    // fall through to the 400
  }
  throw validationFailed([{ path: ['cursor'], message: 'cursor is not valid' }], 'The cursor is not valid.');
}

/**
 * One page of a keyset query that asked for `limit + 1` rows (newest first): the first `limit`
 * rows, and the cursor after the last of them when the extra row shows there is more.
 */
export function keysetPage<R extends { cursor_ts: string; id: string }>(
  rows: readonly R[],
  limit: number,
): { page: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    page,
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.cursor_ts, id: last.id }) : null,
  };
}
