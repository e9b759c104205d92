import { MAX_SCENE_DURATION_SEC, type ProjectSettings } from './document';

/**
 * How a render lays out time, shared by the worker (which renders with these rules) and the API
 * (which estimates a film's length with them at submit time and refuses one past the bounds).
 */

/** Most scenes one render takes; a longer storyboard is refused at submit (and by the worker). */
export const MAX_RENDER_SCENES = 200;
/** Longest film one render makes (seconds, transitions overlapped): one hour. */
export const MAX_RENDER_DURATION_SEC = 3600;

/** Length of a crossfade or fade through black, in seconds (before rounding to whole frames). */
export const TRANSITION_SEC = 0.5;
/** Silence before the first line of a scene, on top of the incoming transition (seconds). */
export const LEAD_SEC = 0.4;
/** Pause between two lines of dialogue (seconds). */
export const LINE_GAP_SEC = 0.35;
/** Silence after the last line, on top of the outgoing transition (seconds). */
export const TAIL_SEC = 0.6;
/** Shortest shot we render (seconds): a frame must be on screen long enough to register. */
export const MIN_SHOT_SEC = 1.5;

/** Rounds seconds to whole frames at `fps`, so shot lengths add up exactly in the timeline. */
export function toFrames(seconds: number, fps: number): number {
  return Math.max(1, Math.round(seconds * fps));
}

/** Transition length in seconds (a whole number of frames); 0 for cuts. */
export function transitionSeconds(transition: ProjectSettings['transition'], fps: number): number {
  return transition === 'cut' ? 0 : toFrames(TRANSITION_SEC, fps) / fps;
}

/**
 * What a shot needs before any bound: the scene's own duration, stretched to hold its dialogue
 * plus padding on both sides of the transitions, at least MIN_SHOT_SEC (seconds, not rounded).
 *
 * @param speechEndSec where the scene's last line ends, from the start of the shot (0: no dialogue)
 * @param transitionSec the transition length on each side (0 for cuts)
 */
export function neededShotSeconds(
  sceneDurationSec: number,
  speechEndSec: number,
  transitionSec: number,
): number {
  const needed = speechEndSec > 0 ? speechEndSec + TAIL_SEC + transitionSec : 0;
  return Math.max(MIN_SHOT_SEC, sceneDurationSec, needed);
}

/**
 * A shot's length: `neededShotSeconds` bounded to MAX_SCENE_DURATION_SEC, in whole frames.
 *
 * @param speechEndSec where the scene's last line ends, from the start of the shot (0: no dialogue)
 * @param transitionSec the transition length on each side (0 for cuts)
 */
export function shotSeconds(
  sceneDurationSec: number,
  speechEndSec: number,
  transitionSec: number,
  fps: number,
): number {
  const seconds = Math.min(
    MAX_SCENE_DURATION_SEC,
    neededShotSeconds(sceneDurationSec, speechEndSec, transitionSec),
  );
  return toFrames(seconds, fps) / fps;
}

/** Where each shot starts in the finished video and how long the video is. */
export interface Timeline {
  /** Start of each shot in the finished video (seconds). */
  offsets: number[];
  /** Sum of the shots minus one transition per join (seconds). */
  totalSec: number;
}

/** Lays shots end to end, each overlapping the previous one by the transition length. */
export function layoutTimeline(shotDurations: readonly number[], transitionSec: number): Timeline {
  const offsets: number[] = [];
  let at = 0;
  for (const d of shotDurations) {
    offsets.push(at);
    at += d - transitionSec;
  }
  const totalSec = shotDurations.length ? at + transitionSec : 0;
  return { offsets, totalSec };
}

/** A scene's part of the finished video, in whole frames at the render's rate. */
export interface SceneSpan {
  /** First frame on which the scene shows (its incoming transition starts here). */
  startFrame: number;
  /** First frame after the scene: the next scene's `startFrame`, or the video's length. */
  endFrame: number;
}

/**
 * Scene spans that tile the video: each scene runs from where its shot starts to where the next
 * one starts (so a transition belongs to the outgoing scene), the last to the end. Shot lengths
 * and the transition are whole frames at `fps`, so the spans are exact.
 */
export function sceneSpans(
  shotDurations: readonly number[],
  transitionSec: number,
  fps: number,
): SceneSpan[] {
  const { offsets, totalSec } = layoutTimeline(shotDurations, transitionSec);
  const frame = (sec: number) => Math.round(sec * fps);
  return offsets.map((start, i) => ({
    startFrame: frame(start),
    endFrame: frame(offsets[i + 1] ?? totalSec),
  }));
}
