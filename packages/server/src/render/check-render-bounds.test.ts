import type { Scene } from '@clapboard/shared/document';
import { layoutTimeline, MAX_RENDER_DURATION_SEC, shotSeconds } from '@clapboard/shared/render-timing';
import { describe, expect, it } from 'vitest';
import { checkRenderBounds, formatLength } from './check-render-bounds';
import { estimateRenderLength, estimateSpeechEndSec } from './estimate-render-length';
import { RenderDocumentError } from './render-document-error';

const scene = (fields: Partial<Scene>): Scene => ({
  id: 's',
  heading: 'INT. HALL - DAY',
  synopsis: '',
  dialogue: [],
  shot: 'medium',
  camera: 'static',
  durationSec: 5,
  ...fields,
});

describe('render length estimate and bounds', () => {
  it("lays shots out with the worker's rules: speech at reading pace, padding, whole frames, overlaps", () => {
    const talk = scene({
      durationSec: 2,
      dialogue: [
        { character: 'A', text: 'one two three four five' }, // 2 s at 2.5 words/s
        { character: 'B', text: '   ' }, // not spoken
        { character: 'B', text: 'six seven eight nine ten' },
      ],
    });
    // 0.5 transition + 0.4 lead + 2 s + 0.35 gap + 2 s.
    expect(estimateSpeechEndSec(talk, 0.5)).toBeCloseTo(5.25, 10);
    const scenes = [talk, scene({ durationSec: 3 }), scene({ durationSec: 0.5 })];
    const estimate = estimateRenderLength(scenes, 0.5, 24);
    const worker = scenes.map((s) => shotSeconds(s.durationSec, estimateSpeechEndSec(s, 0.5), 0.5, 24));
    expect(estimate.shots).toEqual(worker);
    expect(estimate.totalSec).toBeCloseTo(layoutTimeline(worker, 0.5).totalSec, 10);
  });

  it('says lengths the way people do', () => {
    expect([45, 125, 600, 3600, 4380].map(formatLength)).toEqual([
      '45 s',
      '2 min 5 s',
      '10 min',
      '1 h',
      '1 h 13 min',
    ]);
  });

  it('an hour of film passes, a frame more does not; the error names the longest scene', () => {
    const cut = (n: number, sec: number) =>
      Array.from({ length: n }, (_, i) => scene({ id: `s${i}`, durationSec: sec }));
    expect(checkRenderBounds({ scenes: cut(6, 600), settings: { fps: 24 } }, 'cut').totalSec).toBe(
      MAX_RENDER_DURATION_SEC,
    );
    const over = [...cut(6, 600), scene({ id: 'last', heading: 'EXT. END', durationSec: 1.5 })];
    expect(() => checkRenderBounds({ scenes: over, settings: { fps: 24 } }, 'cut')).toThrow(
      RenderDocumentError,
    );
  });

  it('warns about blank scenes without refusing them', () => {
    const blank = (id: string) => scene({ id, heading: ' ', durationSec: 2 });
    const report = checkRenderBounds(
      {
        scenes: [blank('a'), scene({}), blank('b'), scene({ heading: '', synopsis: 'A door opens' })],
        settings: { fps: 24 },
      },
      'crossfade',
    );
    expect(report.warnings).toEqual(['Scenes 1 and 3 have no text: they render as silent shots.']);
  });
});
