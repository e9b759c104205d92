/** Quality measures the model tests assert on. */

function levenshtein<T>(a: readonly T[], b: readonly T[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

const words = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9' ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);

/** Word error rate: word-level edit distance / reference words. */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const ref = words(reference);
  return levenshtein(ref, words(hypothesis)) / ref.length;
}

/** Character error rate: character edit distance / reference length (whitespace collapsed). */
export function characterErrorRate(reference: string, hypothesis: string): number {
  const norm = (s: string) => [...s.replace(/\s+/g, ' ').trim()];
  const ref = norm(reference);
  return levenshtein(ref, norm(hypothesis)) / ref.length;
}

/** Intersection over union of two binary masks (value > 127 = inside). */
export function maskIoU(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! > 127;
    const y = b[i]! > 127;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 1 : inter / union;
}
