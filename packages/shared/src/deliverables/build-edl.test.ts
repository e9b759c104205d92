import { describe, expect, it } from 'vitest';
import { frameRate } from '../timecode';
import { buildEdl } from './build-edl';
import { TEST_RATES, testCut } from './test-cut';

/** Frames of a SMPTE timecode, read back independently (drop-frame: 2 labels per minute but every tenth). */
function tcToFrames(tc: string, exact: number): number {
  const [h, m, s, f] = tc.split(/[:;]/).map(Number) as [number, number, number, number];
  const base = Math.round(exact);
  const minutes = h * 60 + m;
  const dropped = tc.includes(';') ? 2 * (minutes - Math.floor(minutes / 10)) : 0;
  return (minutes * 60 + s) * base + f - dropped;
}

describe('CMX3600 EDL of a render', () => {
  for (const { fps, exact } of TEST_RATES) {
    it(`at ${fps} fps: one event per scene, source and record frame-exact from the scene timings`, () => {
      const cut = testCut();
      const edl = buildEdl(cut, frameRate(fps));
      const lines = edl.split('\n');
      expect(lines[0]).toBe('TITLE: Harbour & Co');
      expect(lines[1]).toBe(fps === '29.97' ? 'FCM: DROP FRAME' : 'FCM: NON-DROP FRAME');
      const events = lines
        .map((l) => /^(\d{3}) {2}(\S+) +B +C +(\S+) (\S+) (\S+) (\S+)$/.exec(l))
        .filter((m) => m !== null);
      expect(events).toHaveLength(cut.scenes.length);
      const sep = fps === '29.97' ? /^\d\d:\d\d:\d\d;\d\d$/ : /^\d\d:\d\d:\d\d:\d\d$/;
      events.forEach((m, i) => {
        const scene = cut.scenes[i]!;
        expect(m[1]).toBe(String(i + 1).padStart(3, '0'));
        for (const tc of m.slice(3, 7)) expect(tc).toMatch(sep);
        const [srcIn, srcOut, recIn, recOut] = m.slice(3, 7).map((tc) => tcToFrames(tc!, exact));
        expect(srcIn).toBe(Math.round(scene.startSec * exact));
        expect(srcOut).toBe(Math.round(scene.endSec * exact));
        expect([recIn, recOut]).toEqual([srcIn, srcOut]);
      });
      // Events tile the timeline: each record-in is the previous record-out, the last ends the film.
      const outs = events.map((m) => m[6]);
      expect(events.slice(1).map((m) => m[5])).toEqual(outs.slice(0, -1));
      expect(tcToFrames(outs.at(-1)!, exact)).toBe(Math.round(cut.media.durationSec * exact));
      expect(edl.match(/^\* FROM CLIP NAME: render-720p-16x9\.mp4$/gm)).toHaveLength(4);
      expect(edl).toContain(`* CLAPBOARD RENDER ${cut.jobId} VERSION ${cut.versionId}`);
    });
  }

  it('review comments are locators under the event they fall in, at their frame', () => {
    const rate = frameRate('29.97');
    const edl = buildEdl(testCut(), rate);
    const blocks = edl.split(/\n(?=\d{3} {2})/);
    const locs = (i: number) => blocks[i + 1]!.split('\n').filter((l) => l.startsWith('* LOC: '));
    expect(locs(0)).toEqual(['* LOC: 00:00:00;00 GREEN   [resolved] Ana: Open on black?']);
    // 61.3 s is frame round(61.3 × 29.97) = 1837, which is labelled 00:01:01;09 after the drop at 1:00.
    expect(locs(1)).toEqual(['* LOC: 00:01:01;09 YELLOW  Bo: Too dark here lift the grade']);
    expect(tcToFrames('00:01:01;09', 30000 / 1001)).toBe(Math.round(61.3 * (30000 / 1001)));
    // 130 s is frame 3896; four labels dropped at 1:00 and 2:00 make it exactly 00:02:10;00.
    expect(locs(2)).toEqual(['* LOC: 00:02:10;00 YELLOW  Scene note']);
    expect(tcToFrames('00:02:10;00', 30000 / 1001)).toBe(Math.round(130 * (30000 / 1001)));
    expect(locs(3)).toEqual([]);
  });
});
