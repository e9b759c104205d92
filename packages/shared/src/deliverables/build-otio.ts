import { type FrameRate, secondsToFrames } from '../timecode';
import { cutEvents, markerText, type RenderCut } from './render-cut';

/** Every `OTIO_SCHEMA` this builder writes (OpenTimelineIO's serialized schema names and versions). */
export const OTIO_SCHEMAS = [
  'Timeline.1',
  'Stack.1',
  'Track.1',
  'Clip.2',
  'ExternalReference.1',
  'RationalTime.1',
  'TimeRange.1',
  'Marker.2',
] as const;

const time = (value: number, rate: number) => ({ OTIO_SCHEMA: 'RationalTime.1', rate, value });
const range = (start: number, duration: number, rate: number) => ({
  OTIO_SCHEMA: 'TimeRange.1',
  start_time: time(start, rate),
  duration: time(duration, rate),
});

/**
 * The render as an OpenTimelineIO timeline (`.otio`, JSON): a video and an audio track, each a
 * clip per scene trimming the one render file (an ExternalReference by file name, relinked on
 * import), review comments as markers on the video clips in the clip's media time. Rates are
 * OTIO's floating frames per second (30000/1001 for 29.97); values are whole frames.
 */
export function buildOtio(cut: RenderCut, rate: FrameRate): string {
  const fps = rate.num / rate.den;
  const total = secondsToFrames(cut.media.durationSec, rate);
  const events = cutEvents(cut, rate);
  const clapboard = { jobId: cut.jobId, versionId: cut.versionId };
  const track = (kind: 'Video' | 'Audio') => ({
    OTIO_SCHEMA: 'Track.1',
    name: kind === 'Video' ? 'V1' : 'A1',
    kind,
    metadata: {},
    source_range: null,
    effects: [],
    markers: [],
    enabled: true,
    children: events.map((e) => ({
      OTIO_SCHEMA: 'Clip.2',
      name: e.scene.heading,
      metadata: { clapboard: { ...clapboard, sceneId: e.scene.sceneId } },
      source_range: range(e.startFrame, e.endFrame - e.startFrame, fps),
      effects: [],
      enabled: true,
      markers:
        kind === 'Video'
          ? e.markers.map((m) => ({
              OTIO_SCHEMA: 'Marker.2',
              name: markerText(m).slice(0, 60),
              metadata: { clapboard: { author: m.author, resolved: m.resolved } },
              color: m.resolved ? 'GREEN' : 'YELLOW',
              marked_range: range(m.frame, m.frames, fps),
              comment: markerText(m),
            }))
          : [],
      media_references: {
        DEFAULT_MEDIA: {
          OTIO_SCHEMA: 'ExternalReference.1',
          name: cut.media.name,
          metadata: {},
          target_url: cut.media.name,
          available_range: range(0, total, fps),
          available_image_bounds: null,
        },
      },
      active_media_reference_key: 'DEFAULT_MEDIA',
    })),
  });
  const timeline = {
    OTIO_SCHEMA: 'Timeline.1',
    name: cut.title,
    metadata: { clapboard },
    global_start_time: time(0, fps),
    tracks: {
      OTIO_SCHEMA: 'Stack.1',
      name: 'tracks',
      metadata: {},
      source_range: null,
      effects: [],
      markers: [],
      enabled: true,
      children: [track('Video'), track('Audio')],
    },
  };
  return `${JSON.stringify(timeline, null, 2)}\n`;
}
