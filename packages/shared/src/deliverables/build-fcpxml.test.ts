import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { frameRate } from '../timecode';
import { buildFcpxml } from './build-fcpxml';
import { TEST_RATES, testCut } from './test-cut';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-fcpxml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the XML and returns an XPath reader backed by libxml2's xmllint. */
function xml(text: string, name: string) {
  const file = join(dir, name);
  writeFileSync(file, text);
  execFileSync('xmllint', ['--noout', file]); // throws when not well-formed
  return (xpath: string) => execFileSync('xmllint', ['--xpath', xpath, file], { encoding: 'utf8' }).trim();
}

/** Seconds of an FCPXML rational time: `0s`, `2s`, `1001/30000s`. */
function seconds(rational: string): number {
  const m = /^(\d+)(?:\/(\d+))?s$/.exec(rational);
  if (!m) throw new Error(`not a rational time: ${rational}`);
  return Number(m[1]) / Number(m[2] ?? 1);
}

describe('FCPXML project of a render', () => {
  for (const { fps, exact } of TEST_RATES) {
    it(`at ${fps} fps: well-formed 1.9, asset-clips on the spine at frame-exact rational times`, () => {
      const cut = testCut();
      const q = xml(buildFcpxml(cut, frameRate(fps)), `cut-${fps}.fcpxml`);
      expect(q('string(/fcpxml/@version)')).toBe('1.9');
      expect(q('count(/fcpxml/resources/format)')).toBe('1');
      expect(q('count(/fcpxml/resources/asset/media-rep)')).toBe('1');
      expect(q('string(/fcpxml/resources/asset/media-rep/@src)')).toBe(cut.media.name);
      const frame = seconds(q('string(/fcpxml/resources/format/@frameDuration)'));
      expect(frame).toBeCloseTo(1 / exact, 12);
      const asFrames = (rational: string) => {
        const f = seconds(rational) * exact;
        expect(Math.abs(f - Math.round(f))).toBeLessThan(1e-9); // whole frames only
        return Math.round(f);
      };
      const seq = '/fcpxml/library/event/project/sequence';
      expect(q(`string(${seq}/@tcFormat)`)).toBe(fps === '29.97' ? 'DF' : 'NDF');
      expect(q(`count(${seq}/spine/asset-clip)`)).toBe(String(cut.scenes.length));
      let sum = 0;
      cut.scenes.forEach((scene, i) => {
        const clip = `${seq}/spine/asset-clip[${i + 1}]`;
        expect(q(`string(${clip}/@ref)`)).toBe(q('string(/fcpxml/resources/asset/@id)'));
        expect(q(`string(${clip}/@name)`)).toBe(scene.heading);
        const offset = asFrames(q(`string(${clip}/@offset)`));
        const duration = asFrames(q(`string(${clip}/@duration)`));
        expect(offset).toBe(Math.round(scene.startSec * exact));
        expect(asFrames(q(`string(${clip}/@start)`))).toBe(offset);
        expect(offset + duration).toBe(Math.round(scene.endSec * exact));
        expect(offset).toBe(sum); // the spine has no gaps
        sum += duration;
      });
      expect(asFrames(q(`string(${seq}/@duration)`))).toBe(sum);
      expect(sum).toBe(Math.round(cut.media.durationSec * exact));
    });
  }

  it('review comments are markers on their clip; a resolved one is a completed to-do', () => {
    const exact = 30000 / 1001;
    const q = xml(buildFcpxml(testCut(), frameRate('29.97')), 'markers.fcpxml');
    const clip = (i: number) => `/fcpxml/library/event/project/sequence/spine/asset-clip[${i}]`;
    expect([1, 2, 3, 4].map((i) => q(`count(${clip(i)}/marker)`))).toEqual(['1', '1', '1', '0']);
    expect(q(`string(${clip(2)}/marker/@value)`)).toBe('Bo: Too dark here lift the grade');
    expect(seconds(q(`string(${clip(2)}/marker/@start)`)) * exact).toBeCloseTo(Math.round(61.3 * exact), 9);
    expect(q(`string(${clip(1)}/marker/@completed)`)).toBe('1');
    expect(q(`string(${clip(2)}/marker/@completed)`)).toBe('0');
    // Names with XML metacharacters survive escaping.
    expect(q(`string(${clip(4)}/@name)`)).toBe('INT. "KITCHEN" & <HALL>');
  });
});
