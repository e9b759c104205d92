import { describe, expect, it } from 'vitest';
import { frameRate } from '../timecode';
import { buildOtio, OTIO_SCHEMAS } from './build-otio';
import { TEST_RATES, testCut } from './test-cut';

/** Schema names and versions OpenTimelineIO itself serializes (its C++ `Schema` structs). */
const OTIO_KNOWN = new Set([
  'Timeline.1',
  'Stack.1',
  'Track.1',
  'Clip.1',
  'Clip.2',
  'Gap.1',
  'Transition.1',
  'ExternalReference.1',
  'MissingReference.1',
  'RationalTime.1',
  'TimeRange.1',
  'Marker.1',
  'Marker.2',
  'Effect.1',
]);

type Obj = Record<string, unknown> & { OTIO_SCHEMA?: string };
type Time = { OTIO_SCHEMA: string; rate: number; value: number };
type Range = { start_time: Time; duration: Time };

function* objects(value: unknown): Generator<Obj> {
  if (Array.isArray(value)) for (const v of value) yield* objects(v);
  else if (value && typeof value === 'object') {
    yield value as Obj;
    for (const v of Object.values(value)) yield* objects(v);
  }
}

describe('OpenTimelineIO timeline of a render', () => {
  it('declares only schema names OpenTimelineIO serializes', () => {
    expect(OTIO_SCHEMAS.filter((n) => !OTIO_KNOWN.has(n))).toEqual([]);
  });

  for (const { fps, exact } of TEST_RATES) {
    it(`at ${fps} fps: known schemas, one clip per scene trimmed frame-exactly, durations add up`, () => {
      const cut = testCut();
      const otio = JSON.parse(buildOtio(cut, frameRate(fps))) as Obj;
      expect(otio.OTIO_SCHEMA).toBe('Timeline.1');
      for (const o of objects(otio)) {
        if (!('OTIO_SCHEMA' in o)) continue;
        expect(OTIO_KNOWN.has(o.OTIO_SCHEMA!), o.OTIO_SCHEMA).toBe(true);
        if (o.OTIO_SCHEMA === 'RationalTime.1') {
          expect(o.rate).toBeCloseTo(exact, 9);
          expect(Number.isInteger(o.value)).toBe(true);
        }
      }
      const stack = otio.tracks as Obj;
      expect(stack.OTIO_SCHEMA).toBe('Stack.1');
      const tracks = stack.children as Obj[];
      expect(tracks.map((t) => [t.OTIO_SCHEMA, t.kind])).toEqual([
        ['Track.1', 'Video'],
        ['Track.1', 'Audio'],
      ]);
      const total = Math.round(cut.media.durationSec * exact);
      for (const track of tracks) {
        const clips = track.children as Obj[];
        expect(clips).toHaveLength(cut.scenes.length);
        let sum = 0;
        clips.forEach((clip, i) => {
          const range = clip.source_range as Range;
          const scene = cut.scenes[i]!;
          expect(clip.name).toBe(scene.heading);
          expect(range.start_time.value).toBe(Math.round(scene.startSec * exact));
          expect(range.start_time.value + range.duration.value).toBe(Math.round(scene.endSec * exact));
          sum += range.duration.value;
          const ref = (clip.media_references as Record<string, Obj>)[
            clip.active_media_reference_key as string
          ]!;
          expect(ref.OTIO_SCHEMA).toBe('ExternalReference.1');
          expect(ref.target_url).toBe(cut.media.name);
          expect((ref.available_range as Range).duration.value).toBe(total);
        });
        expect(sum).toBe(total);
      }
      expect(otio.metadata).toEqual({ clapboard: { jobId: cut.jobId, versionId: cut.versionId } });
    });
  }

  it('review comments are Marker.2 on the video clip they fall in, in media frames', () => {
    const exact = 30000 / 1001;
    const otio = JSON.parse(buildOtio(testCut(), frameRate('29.97'))) as Obj;
    const [video, audio] = (otio.tracks as Obj).children as Obj[];
    const markers = (video!.children as Obj[]).map((c) => c.markers as Obj[]);
    expect(markers.map((m) => m.length)).toEqual([1, 1, 1, 0]);
    const second = markers[1]![0]!;
    expect(second.OTIO_SCHEMA).toBe('Marker.2');
    expect(second.comment).toBe('Bo: Too dark here lift the grade');
    expect(second.color).toBe('YELLOW');
    const range = second.marked_range as Range;
    expect(range.start_time.value).toBe(Math.round(61.3 * exact));
    expect(range.start_time.value + range.duration.value).toBe(Math.round(63.3 * exact));
    expect(markers[0]![0]!.color).toBe('GREEN');
    expect((audio!.children as Obj[]).every((c) => (c.markers as unknown[]).length === 0)).toBe(true);
  });
});
