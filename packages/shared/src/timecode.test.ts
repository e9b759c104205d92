import { describe, expect, it } from 'vitest';
import { frameRate, framesToRational, framesToTimecode, secondsToFrames } from './timecode';

/** Drop-frame labels by walking the clock one frame at a time, skipping ;00 and ;01 as SMPTE 12M says. */
function* dropFrameLabels(): Generator<string> {
  let [h, m, s, f] = [0, 0, 0, 0];
  const pad = (n: number) => String(n).padStart(2, '0');
  for (;;) {
    yield `${pad(h)}:${pad(m)}:${pad(s)};${pad(f)}`;
    f++;
    if (f === 30) [f, s] = [0, s + 1];
    if (s === 60) [s, m] = [0, m + 1];
    if (m === 60) [m, h] = [0, h + 1];
    if (f === 0 && s === 0 && m % 10 !== 0) f = 2;
  }
}

describe('timecode', () => {
  it('29.97 drop-frame labels match a frame-by-frame walk of the clock for two hours', () => {
    const rate = frameRate('29.97');
    const labels = dropFrameLabels();
    for (let n = 0; n < 2 * 107_892; n++) {
      const want = labels.next().value;
      if (framesToTimecode(n, rate) !== want)
        expect(`${n}: ${framesToTimecode(n, rate)}`).toBe(`${n}: ${want}`);
    }
  });

  it('drop-frame minute boundaries: ;00 and ;01 skipped except every tenth minute', () => {
    const df = frameRate(29.97);
    expect(framesToTimecode(1799, df)).toBe('00:00:59;29');
    expect(framesToTimecode(1800, df)).toBe('00:01:00;02');
    expect(framesToTimecode(17_981, df)).toBe('00:09:59;29');
    expect(framesToTimecode(17_982, df)).toBe('00:10:00;00');
    expect(framesToTimecode(17_984, df)).toBe('00:10:00;02');
    expect(framesToTimecode(19_782, df)).toBe('00:11:00;02');
    expect(framesToTimecode(107_892, df)).toBe('01:00:00;00');
  });

  it('whole rates count plainly', () => {
    expect(framesToTimecode(24 * 3661 + 5, frameRate(24))).toBe('01:01:01:05');
    expect(framesToTimecode(25 * 60 - 1, frameRate(25))).toBe('00:00:59:24');
    expect(framesToTimecode(0, frameRate(25))).toBe('00:00:00:00');
  });

  it('seconds round to the nearest frame; rational times are exact', () => {
    const df = frameRate('29.97');
    expect(secondsToFrames(1001 / 30000, df)).toBe(1);
    expect(secondsToFrames(60, df)).toBe(1798); // 60 s of wall clock is 1798.2 frames
    expect(secondsToFrames(61 / 24, frameRate(24))).toBe(61);
    expect(framesToRational(1, df)).toBe('1001/30000s');
    expect(framesToRational(30, df)).toBe('30030/30000s');
    expect(framesToRational(48, frameRate(24))).toBe('2s');
    expect(framesToRational(13, frameRate(25))).toBe('13/25s');
    expect(framesToRational(0, frameRate(25))).toBe('0s');
    expect(() => frameRate('23.5')).toThrow(RangeError);
  });
});
