import { commentPlainText } from '@clapboard/shared/comment-markup';
import type { CutMarker, RenderCut } from '@clapboard/shared/deliverables';

/** The fields of a `comments` row (with its author's name) that make a marker. */
export interface CommentMarkerRow {
  body: string;
  anchor: { kind: string; jobId?: string; sceneId?: string; startSec?: number; endSec?: number };
  scene_id: string | null;
  resolved_at: Date | null;
  author_name: string | null;
}

/**
 * Review comments that point into this render, as markers: a comment on a time of this render at
 * that time (its range, cut at the video's end); a comment on a scene (scene, script or another
 * render's time with a scene) at that scene's start; anything else (project-wide, another
 * video) is no marker. Pass top-level, not deleted comments. Sorted by time.
 */
export function commentMarkers(
  rows: readonly CommentMarkerRow[],
  cut: Omit<RenderCut, 'markers'>,
  jobId: string,
) {
  const sceneStart = new Map(
    cut.scenes.flatMap((s) => (s.sceneId ? [[s.sceneId, s.startSec] as const] : [])),
  );
  const markers: CutMarker[] = [];
  for (const r of rows) {
    const base = {
      text: commentPlainText(r.body),
      author: r.author_name,
      resolved: r.resolved_at !== null,
    };
    const a = r.anchor;
    if (a.kind === 'media' && a.jobId === jobId && typeof a.startSec === 'number') {
      const at = Math.min(a.startSec, cut.media.durationSec);
      const end = Math.min(a.endSec ?? at, cut.media.durationSec);
      markers.push({ ...base, atSec: at, durationSec: Math.max(0, end - at) });
      continue;
    }
    const start = sceneStart.get(r.scene_id ?? a.sceneId ?? '');
    if (start !== undefined) markers.push({ ...base, atSec: start, durationSec: 0 });
  }
  return markers.sort((x, y) => x.atSec - y.atSec);
}
