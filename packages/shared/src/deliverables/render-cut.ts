import { type FrameRate, secondsToFrames } from '../timecode';

/**
 * A finished render as edit decision lists see it: one media file (the render's video), cut into
 * its scenes, with the review comments that point into it as markers. Builders turn it into EDL,
 * OpenTimelineIO and FCPXML at any frame rate; times are seconds so every rate converts the same.
 */
export interface RenderCut {
  /** The project's name, the title of the list. */
  title: string;
  jobId: string;
  /** The pinned document version the render shows; every file is stamped with it. */
  versionId: string;
  media: {
    /** File name of the video (as downloaded and as the handover bundle stores it). */
    name: string;
    durationSec: number;
    width: number;
    height: number;
    /** The render's own frame rate. */
    fps: number;
  };
  /** In order, tiling the video: each starts where the previous ends. */
  scenes: CutScene[];
  /** Sorted by time. */
  markers: CutMarker[];
}

export interface CutScene {
  sceneId: string | null;
  heading: string;
  startSec: number;
  endSec: number;
}

/** A review comment placed on the render's timeline. */
export interface CutMarker {
  /** Where it points in the video (seconds). */
  atSec: number;
  /** How long a range it marks (0 for a point). */
  durationSec: number;
  /** The comment as plain text on one line. */
  text: string;
  author: string | null;
  resolved: boolean;
}

/** A scene's span in whole frames at `rate`; consecutive scenes share their boundary frame. */
export interface CutEvent {
  scene: CutScene;
  startFrame: number;
  endFrame: number;
  /** The markers that fall in this scene (the last scene also takes one at the very end). */
  markers: Array<CutMarker & { frame: number; frames: number }>;
}

/** Longest marker text a list carries (characters); the full comment stays in Clapboard. */
export const MARKER_TEXT_MAX = 200;

/** One line, no control characters, at most `max` characters. */
export function oneLine(text: string, max = MARKER_TEXT_MAX): string {
  const flat = text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** What a marker says: "Author: text", with "[resolved]" when the thread is resolved. */
export function markerText(m: CutMarker): string {
  return oneLine(`${m.resolved ? '[resolved] ' : ''}${m.author ? `${m.author}: ` : ''}${m.text}`);
}

/**
 * The cut's scenes as frame spans at `rate`, each with its markers. Every boundary is rounded to
 * the nearest frame once, so events tile the timeline with no gap or overlap at any rate.
 */
export function cutEvents(cut: RenderCut, rate: FrameRate): CutEvent[] {
  const total = secondsToFrames(cut.media.durationSec, rate);
  const events = cut.scenes.map((scene) => ({
    scene,
    startFrame: Math.min(total, secondsToFrames(scene.startSec, rate)),
    endFrame: Math.min(total, secondsToFrames(scene.endSec, rate)),
    markers: [] as CutEvent['markers'],
  }));
  for (const m of cut.markers) {
    const frame = Math.min(secondsToFrames(m.atSec, rate), Math.max(0, total - 1));
    const event = events.find((e) => frame >= e.startFrame && frame < e.endFrame) ?? events.at(-1);
    if (!event) continue;
    // A range is cut at the end of its scene; a point still lasts one frame.
    const frames = Math.max(
      1,
      Math.min(secondsToFrames(m.atSec + m.durationSec, rate), event.endFrame) - frame,
    );
    event.markers.push({ ...m, frame, frames });
  }
  return events.filter((e) => e.endFrame > e.startFrame);
}
