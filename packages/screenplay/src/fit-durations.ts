/**
 * Splits `totalSec` whole seconds over scenes in proportion to `weights`, every scene between `min`
 * and `max` seconds, the parts adding up to exactly `totalSec`. Shares past a bound are pinned to it
 * and the rest shared again (water filling); then whole seconds go by largest remainder, earlier
 * scenes first on ties, so the result is deterministic. Weights of 0 (or all 0) share equally.
 *
 * @param weights one per scene, >= 0 (e.g. estimated reading seconds, or a draft's own durations)
 * @param totalSec a whole number of seconds
 * @throws RangeError when the scenes cannot fit: `weights.length × min > totalSec` or
 *   `weights.length × max < totalSec`
 */
export function fitDurations(
  weights: readonly number[],
  totalSec: number,
  { min = 1, max = 60 }: { min?: number; max?: number } = {},
): number[] {
  const n = weights.length;
  if (n === 0 || !Number.isInteger(totalSec) || n * min > totalSec || n * max < totalSec)
    throw new RangeError(`${n} scene(s) of ${min}–${max} s cannot add up to ${totalSec} s.`);
  const w = weights.map((x) => (Number.isFinite(x) && x > 0 ? x : 0));
  const pinned = new Map<number, number>();
  let shares = new Array<number>(n).fill(0);
  for (;;) {
    const free = w.map((_, i) => i).filter((i) => !pinned.has(i));
    const left = totalSec - [...pinned.values()].reduce((a, b) => a + b, 0);
    const sum = free.reduce((a, i) => a + w[i]!, 0);
    shares = w.map((x, i) => pinned.get(i) ?? (sum > 0 ? (left * x) / sum : left / free.length));
    // Pin the shares below the minimum first (raising them lowers the others), then those above.
    const low = free.filter((i) => shares[i]! < min);
    const high = free.filter((i) => shares[i]! > max);
    if (low.length) for (const i of low) pinned.set(i, min);
    else if (high.length) for (const i of high) pinned.set(i, max);
    else break;
  }
  const whole = shares.map((s) => Math.floor(s + 1e-9));
  let rest = totalSec - whole.reduce((a, b) => a + b, 0);
  const byRemainder = shares
    .map((s, i) => ({ i, frac: s - whole[i]! }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of byRemainder) {
    if (rest <= 0) break;
    if (whole[i]! < max) {
      whole[i]!++;
      rest--;
    }
  }
  return whole;
}
