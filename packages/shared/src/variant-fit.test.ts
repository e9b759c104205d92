import { describe, expect, it } from 'vitest';
import { type FitScene, fitVariant, VariantFitError } from './variant-fit';

const T = 0.5;
const fps = 24;
const opts = (targetSec: number, more: object = {}) => ({ targetSec, transitionSec: T, fps, ...more });
// A scene of `sec` whose lines end at `ends` (seconds into its shot).
const scene = (sec: number, ...ends: number[]): FitScene => ({ naturalSec: sec, lineEndsSec: ends });

describe('fitVariant', () => {
  it('a storyboard shorter than the variant keeps every scene at its own length', () => {
    const fit = fitVariant([scene(5, 2), scene(6, 3)], opts(60));
    expect(fit.scenes).toEqual([
      { scene: 0, sec: 5, lines: 1 },
      { scene: 1, sec: 6, lines: 1 },
    ]);
    expect(fit.totalSec).toBeCloseTo(10.5, 6);
    expect(fit.dropped).toEqual([]);
  });

  it('takes the silence after the last line before dropping anything, and ends on the length', () => {
    // 8 + 8 + 8 − 1 = 23 s natural; lines end early, so trimming the tails is enough for 20 s.
    const fit = fitVariant([scene(8, 2), scene(8, 2.5), scene(8, 3)], opts(20));
    expect(fit.dropped).toEqual([]);
    expect(fit.totalSec).toBeLessThanOrEqual(20);
    expect(fit.totalSec).toBeGreaterThan(20 - 3 / fps);
    for (const s of fit.scenes) {
      expect(s.sec).toBeLessThan(8);
      expect(Math.abs(s.sec * fps - Math.round(s.sec * fps))).toBeLessThan(1e-6);
    }
    // Never into a line: each keeps its last line's end, the tail and the transition.
    expect(fit.scenes[2]!.sec).toBeGreaterThanOrEqual(3 + 0.6 + T);
  });

  it('drops silent middle scenes first, then the later middle scenes, keeping hook and call to action', () => {
    const scenes = [scene(5, 4), scene(5, 4), scene(5), scene(5, 4), scene(5, 4)];
    const fit = fitVariant(scenes, opts(15));
    expect(fit.scenes.map((s) => s.scene)).toEqual([0, 1, 4]);
    expect(fit.dropped).toEqual([2, 3]);
    expect(fit.totalSec).toBeLessThanOrEqual(15);
  });

  it('brand cards count against the length', () => {
    const scenes = [scene(5, 4), scene(5, 4), scene(5, 4)];
    expect(fitVariant(scenes, opts(15)).dropped).toEqual([]);
    const carded = fitVariant(scenes, opts(15, { introSec: 2, outroSec: 2 }));
    expect(carded.dropped).toEqual([1]);
    expect(carded.totalSec).toBeLessThanOrEqual(15);
  });

  it('drops whole trailing lines (never part of one), then the call to action; a first line too long fails', () => {
    const hook = scene(12, 3, 6, 9, 11);
    const cta = scene(6, 2.5, 5);
    const fit = fitVariant([hook, cta], opts(10));
    expect(fit.totalSec).toBeLessThanOrEqual(10);
    expect(fit.droppedLines).toBeGreaterThan(0);
    expect(fit.scenes[0]).toMatchObject({ scene: 0 });
    expect(fit.scenes[0]!.lines).toBeGreaterThanOrEqual(1);
    // Down to the hook's first line: the call to action goes.
    const tight = fitVariant([hook, cta], opts(5));
    expect(tight.scenes).toEqual([{ scene: 0, sec: 98 / fps, lines: 1 }]); // 3 + 0.6 + 0.5 s in whole frames
    expect(() => fitVariant([scene(20, 18)], opts(15))).toThrow(VariantFitError);
  });
});
