import { parseSceneHeading } from './extract-scenes';

/** Heading normalised for exact comparison: case, spacing and scene-number differences ignored. */
export function headingKey(heading: string): string {
  return heading.toUpperCase().replace(/\s+/g, ' ').trim();
}

/** Lowercase word tokens, as a set. */
export function tokenSet(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

/** |A ∩ B| / |A ∪ B|; 0 when both are empty (no evidence either way). */
export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

/** |A ∩ B| / |A|: how much of A comes from B. */
export function containment(a: Set<string>, b: Set<string>): number {
  if (a.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / a.size;
}

function bigrams(s: string): Map<string, number> {
  const out = new Map<string, number>();
  const t = s.toLowerCase().replace(/\s+/g, ' ');
  for (let i = 0; i < t.length - 1; i++) {
    const g = t.slice(i, i + 2);
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** Sørensen–Dice on character bigrams: tolerant of typos (`KITCHEN` vs `KITCHN`). */
export function dice(a: string, b: string): number {
  if (a === b) return 1;
  const x = bigrams(a);
  const y = bigrams(b);
  let total = 0;
  let shared = 0;
  for (const n of x.values()) total += n;
  for (const [g, n] of y) {
    total += n;
    shared += Math.min(n, x.get(g) ?? 0);
  }
  return total === 0 ? 0 : (2 * shared) / total;
}

/**
 * Heading similarity in [0, 1]: 70 % location (Dice on bigrams), 15 % same INT/EXT, 15 % same time of
 * day, so `INT. KITCHEN - DAY` → `INT. KITCHEN - LATER` stays close while `HOUSE` → `OFFICE` does not.
 */
export function headingSimilarity(a: string, b: string): number {
  const x = parseSceneHeading(a);
  const y = parseSceneHeading(b);
  return (
    0.7 * dice(x.location, y.location) +
    0.15 * (x.setting === y.setting ? 1 : 0) +
    0.15 * ((x.timeOfDay ?? '').toUpperCase() === (y.timeOfDay ?? '').toUpperCase() ? 1 : 0)
  );
}
