import { describe, expect, it } from 'vitest';
import { mouthTrack, rmsPerFrame, visemeOpening } from './mouth-track';

const RATE = 16_000;
/** A tone whose loudness follows `level(t)`, `sec` long. */
function tone(sec: number, level: (t: number) => number): Float32Array {
  const x = new Float32Array(sec * RATE);
  for (let i = 0; i < x.length; i++) x[i] = level(i / RATE) * Math.sin((2 * Math.PI * 180 * i) / RATE);
  return x;
}

describe('mouthTrack', () => {
  it('opens with the voice and closes in silence', () => {
    // 0.5 s silence, 1 s speech, 0.5 s silence.
    const x = tone(2, (t) => (t >= 0.5 && t < 1.5 ? 0.3 : 0));
    const m = mouthTrack(x, RATE, 25);
    expect(m.length).toBe(50);
    expect(Math.max(...m.slice(0, 12))).toBe(0);
    expect(Math.min(...m.slice(16, 36))).toBeGreaterThan(0.6);
    expect(m[49]!).toBeLessThan(0.05);
  });

  it('closes the lips on a bilabial even while the voice sounds, and opens widest on open vowels', () => {
    const x = tone(1, () => 0.3);
    const phones = [
      { phone: 'aa', endSec: 0.4 },
      { phone: 'm', endSec: 0.6 },
      { phone: 'aa', endSec: 1 },
    ];
    const m = mouthTrack(x, RATE, 25, phones);
    expect(m[8]!).toBeGreaterThan(0.8);
    expect(m[14]!).toBeLessThan(0.55);
    expect(visemeOpening('M')).toBe(0);
    expect(visemeOpening('aa1')).toBe(1);
    expect(visemeOpening('unknown')).toBeGreaterThan(0);
  });

  it('measures RMS per frame', () => {
    const r = rmsPerFrame(
      tone(1, () => 0.5),
      RATE,
      25,
      25,
    );
    expect(r[10]!).toBeCloseTo(0.5 / Math.SQRT2, 2);
  });
});
