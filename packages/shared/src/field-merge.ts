/**
 * Concurrent edits of one record's fields (a brief, a brand kit) without overwriting each other.
 *
 * A field is a leaf: nested plain objects (a kit's palette, its caption style) are walked field by
 * field, anything else (text, numbers, lists) is one value. A save sends the leaves it changed and
 * the values they had when read (`base`); the server refuses one whose value has changed since
 * (`staleLeaves`), and the page moves its form onto the newer record (`rebaseLeaves`).
 */

/** Any JSON-like record. */
type Fields = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * What changed from `before` to `after`, leaf by leaf: `patch` holds the new values (nested
 * objects only with their changed fields), `base` the values they had in `before`.
 */
export function leafChanges<T extends object>(before: T, after: T): { patch: Partial<T>; base: Partial<T> } {
  const patch: Fields = {};
  const base: Fields = {};
  for (const [k, next] of Object.entries(after)) {
    const prev = (before as Fields)[k];
    if (same(prev, next)) continue;
    if (isPlainObject(prev) && isPlainObject(next)) {
      const inner = leafChanges(prev, next);
      patch[k] = inner.patch;
      base[k] = inner.base;
    } else {
      patch[k] = next;
      base[k] = prev;
    }
  }
  return { patch: patch as Partial<T>, base: base as Partial<T> };
}

/** The dotted paths of `base`'s leaves whose value in `current` is no longer the one in `base`. */
export function staleLeaves(current: unknown, base: Fields, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, was] of Object.entries(base)) {
    const now = isPlainObject(current) ? current[k] : undefined;
    if (isPlainObject(was) && isPlainObject(now)) out.push(...staleLeaves(now, was, `${prefix}${k}.`));
    else if (!same(now, was)) out.push(`${prefix}${k}`);
  }
  return out;
}

/** The dotted paths of `base`'s leaves that `shape` (a complete record) has no field for. */
export function unknownLeaves(shape: unknown, base: Fields, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, was] of Object.entries(base)) {
    if (!isPlainObject(shape) || !(k in shape)) out.push(`${prefix}${k}`);
    else if (isPlainObject(was) && isPlainObject(shape[k]))
      out.push(...unknownLeaves(shape[k], was, `${prefix}${k}.`));
  }
  return out;
}

/**
 * `mine` (a form read from `was`) moved onto `now`, a newer copy: a leaf not changed here takes
 * `now`'s value, a leaf changed here keeps it. `conflicts` maps the dotted paths both changed, to
 * different values, to `now`'s value (theirs), for the page to show and offer.
 */
export function rebaseLeaves<T extends object>(
  mine: T,
  was: T,
  now: T,
): { merged: T; conflicts: Record<string, unknown> } {
  const conflicts: Record<string, unknown> = {};
  const walk = (m: Fields, w: Fields, n: Fields, prefix: string): Fields => {
    const out: Fields = { ...m };
    for (const k of new Set([...Object.keys(m), ...Object.keys(n)])) {
      if (isPlainObject(m[k]) && isPlainObject(w[k]) && isPlainObject(n[k])) {
        out[k] = walk(m[k], w[k], n[k], `${prefix}${k}.`);
      } else if (same(m[k], w[k])) {
        out[k] = n[k];
      } else if (!same(n[k], w[k]) && !same(m[k], n[k])) {
        conflicts[`${prefix}${k}`] = n[k];
      }
    }
    return out;
  };
  return { merged: walk(mine as Fields, was as Fields, now as Fields, '') as T, conflicts };
}

/** `record` with the leaf at dotted `path` set to `value` (copies along the path). */
export function withLeaf<T extends object>(record: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  const r = record as Fields;
  return {
    ...r,
    [head!]: rest.length ? withLeaf((r[head!] ?? {}) as Fields, rest.join('.'), value) : value,
  } as T;
}

/** The leaf at dotted `path` of `record` (undefined where the path leads nowhere). */
export function leafAt(record: unknown, path: string): unknown {
  let at: unknown = record;
  for (const k of path.split('.')) at = isPlainObject(at) ? at[k] : undefined;
  return at;
}
