import { describe, expect, it } from 'vitest';
import { musicStyleFor, synthesizeMusic } from './synthesize-music';

describe('music bed synthesis', () => {
  it('maps mood words to styles', () => {
    expect(musicStyleFor('Tense thriller').mood).toBe('tense');
    expect(musicStyleFor('happy and bright').mood).toBe('upbeat');
    expect(musicStyleFor('').mood).toBe('calm');
  });

  it('is a whole number of bars, audible, and silent at the loop point (no click when looped)', () => {
    const style = musicStyleFor('calm');
    const rate = 16_000;
    const pcm = synthesizeMusic(style, rate);
    const bar = (60 / style.bpm) * 4;
    expect(pcm.length / rate / bar).toBeCloseTo(8, 3);
    let sum = 0;
    for (const v of pcm) sum += v * v;
    expect(Math.sqrt(sum / pcm.length)).toBeGreaterThan(0.05);
    expect(Math.abs(pcm[0]!)).toBeLessThan(0.01);
    expect(Math.abs(pcm.at(-1)!)).toBeLessThan(0.01);
  });

  it('plays chords: more than one pitch sounds at once', () => {
    const rate = 16_000;
    const pcm = synthesizeMusic(musicStyleFor('calm'), rate);
    // Goertzel power at the root (C4) and the fifth (G4) of the first chord, one second in.
    const power = (f: number) => {
      const n = 4096;
      const k = (2 * Math.cos((2 * Math.PI * f) / rate)) as number;
      let [s1, s2] = [0, 0];
      for (let i = 0; i < n; i++) [s1, s2] = [pcm[rate + i]! + k * s1 - s2, s1];
      return s1 * s1 + s2 * s2 - k * s1 * s2;
    };
    const off = power(300);
    expect(power(261.63)).toBeGreaterThan(10 * off);
    expect(power(392)).toBeGreaterThan(10 * off);
  });
});
