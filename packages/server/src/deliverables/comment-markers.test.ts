import { describe, expect, it } from 'vitest';
import { type CommentMarkerRow, commentMarkers } from './comment-markers';

const JOB = '11111111-1111-4111-8111-111111111111';
const cut = {
  title: 'T',
  jobId: JOB,
  versionId: '22222222-2222-4222-8222-222222222222',
  media: { name: 'r.mp4', durationSec: 10, width: 640, height: 360, fps: 24 },
  scenes: [
    { sceneId: 's1', heading: 'A', startSec: 0, endSec: 4 },
    { sceneId: 's2', heading: 'B', startSec: 4, endSec: 10 },
  ],
};
const row = (
  anchor: CommentMarkerRow['anchor'],
  extra: Partial<CommentMarkerRow> = {},
): CommentMarkerRow => ({
  body: 'Note',
  anchor,
  scene_id: null,
  resolved_at: null,
  author_name: 'Ana',
  ...extra,
});

describe('review comments as markers of a render', () => {
  it('places each comment by its anchor, sorted by time, and leaves out what points elsewhere', () => {
    const markers = commentMarkers(
      [
        row({ kind: 'media', jobId: JOB, startSec: 6, endSec: 7.5 }, { body: 'Too **dark**' }),
        row({ kind: 'scene', sceneId: 's2' }, { scene_id: 's2', resolved_at: new Date() }),
        row({ kind: 'script', sceneId: 's1' }, { scene_id: 's1', author_name: null }),
        // Another render's time, on a scene this render has: at that scene's start.
        row({ kind: 'media', jobId: '33333333-3333-4333-8333-333333333333', sceneId: 's2', startSec: 1 }),
        // Past the end: cut to the video.
        row({ kind: 'media', jobId: JOB, startSec: 9.5, endSec: 30 }),
        row({ kind: 'project' }),
        row({ kind: 'scene', sceneId: 'gone' }, { scene_id: 'gone' }),
        row({ kind: 'media', assetId: 'x', startSec: 2 } as CommentMarkerRow['anchor']),
      ],
      cut,
      JOB,
    );
    expect(markers).toEqual([
      { atSec: 0, durationSec: 0, text: 'Note', author: null, resolved: false },
      { atSec: 4, durationSec: 0, text: 'Note', author: 'Ana', resolved: true },
      { atSec: 4, durationSec: 0, text: 'Note', author: 'Ana', resolved: false },
      { atSec: 6, durationSec: 1.5, text: 'Too dark', author: 'Ana', resolved: false },
      { atSec: 9.5, durationSec: 0.5, text: 'Note', author: 'Ana', resolved: false },
    ]);
  });
});
