import { describe, expect, it } from 'vitest';
import { layoutTimeline, MIN_SHOT_SEC, shotSeconds, TAIL_SEC, transitionSeconds } from './render-timing';

describe('render timing', () => {
  it('transitions are whole frames, cuts are zero', () => {
    expect(transitionSeconds('cut', 24)).toBe(0);
    expect(transitionSeconds('crossfade', 24)).toBe(0.5);
    expect(transitionSeconds('fade-black', 25) * 25).toBe(Math.round(0.5 * 25));
  });

  it('a shot holds its dialogue plus padding, never less than the scene asks, in whole frames', () => {
    expect(shotSeconds(5, 0, 0.5, 24)).toBe(5);
    expect(shotSeconds(2, 4, 0.5, 24)).toBeCloseTo(Math.round((4 + TAIL_SEC + 0.5) * 24) / 24, 6);
    expect(shotSeconds(0.2, 0, 0, 24)).toBe(MIN_SHOT_SEC);
    expect(shotSeconds(7200, 0, 0, 24)).toBe(600);
    expect((shotSeconds(3.33, 0, 0, 30) * 30) % 1).toBeCloseTo(0, 6);
  });

  it('shots overlap by one transition per join', () => {
    const t = layoutTimeline([4, 5, 6], 0.5);
    expect(t.offsets).toEqual([0, 3.5, 8]);
    expect(t.totalSec).toBe(14);
    expect(layoutTimeline([4, 5], 0).totalSec).toBe(9);
  });
});
