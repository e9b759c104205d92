import { sceneSpans } from '../render-timing';
import type { RenderCut } from './render-cut';

/** Rates the deliverable tests run at, as exact frames per second. */
export const TEST_RATES = [
  { fps: '24', exact: 24 },
  { fps: '25', exact: 25 },
  { fps: '29.97', exact: 30000 / 1001 },
] as const;

/**
 * A render the way the worker lays it out: four shots at 24 fps joined by half-second crossfades,
 * long enough (about 2.5 min) to cross two drop-frame minute boundaries, with three comments.
 */
export function testCut(): RenderCut {
  const fps = 24;
  const shots = [50, 1501 / 24, 45, 30];
  const transitionSec = 0.5;
  const spans = sceneSpans(shots, transitionSec, fps);
  const headings = [
    'EXT. HARBOUR - NIGHT',
    'INT. CABIN - DAY',
    'EXT. ROAD - DUSK',
    'INT. "KITCHEN" & <HALL>',
  ];
  return {
    title: 'Harbour & Co',
    jobId: '11111111-1111-4111-8111-111111111111',
    versionId: '22222222-2222-4222-8222-222222222222',
    media: {
      name: 'render-720p-16x9.mp4',
      durationSec: spans.at(-1)!.endFrame / fps,
      width: 1280,
      height: 720,
      fps,
    },
    scenes: spans.map((s, i) => ({
      sceneId: `s${i + 1}`,
      heading: headings[i]!,
      startSec: s.startFrame / fps,
      endSec: s.endFrame / fps,
    })),
    markers: [
      { atSec: 0, durationSec: 0, text: 'Open on black?', author: 'Ana', resolved: true },
      { atSec: 61.3, durationSec: 2, text: 'Too dark here\nlift the grade', author: 'Bo', resolved: false },
      { atSec: 130, durationSec: 0, text: 'Scene note', author: null, resolved: false },
    ],
  };
}
