import { countWords, DIALOGUE_WORDS_PER_SECOND } from '@clapboard/screenplay';
import type { Scene } from '@clapboard/shared/document';
import {
  LEAD_SEC,
  LINE_GAP_SEC,
  layoutTimeline,
  neededShotSeconds,
  toFrames,
} from '@clapboard/shared/render-timing';

/** A film's length as the render will lay it out, with speech timed by reading pace. */
export interface RenderLengthEstimate {
  /** Each scene's shot (seconds, whole frames), not bounded: a scene past the limit shows here. */
  shots: number[];
  /** Shots end to end, one transition overlapped per join (seconds). */
  totalSec: number;
}

/**
 * Where a scene's last line would end, from the start of its shot (seconds; 0 without lines):
 * the worker's layout (LEAD_SEC after the incoming transition, LINE_GAP_SEC between lines) with
 * each line lasting its words at DIALOGUE_WORDS_PER_SECOND, as the screenplay estimates do. The
 * worker later times lines by the speech it synthesizes, which lands close to this pace.
 */
export function estimateSpeechEndSec(scene: Pick<Scene, 'dialogue'>, transitionSec: number): number {
  const lines = scene.dialogue.filter((l) => l.text.trim());
  if (!lines.length) return 0;
  const speaking = lines.reduce((sum, l) => sum + countWords(l.text) / DIALOGUE_WORDS_PER_SECOND, 0);
  return transitionSec + LEAD_SEC + speaking + LINE_GAP_SEC * (lines.length - 1);
}

/**
 * Estimates how long a render of `scenes` runs, with the worker's timing rules: each shot holds
 * its scene's duration or its dialogue (whichever is longer), in whole frames at `fps`, and shots
 * overlap by `transitionSec` at each join.
 */
export function estimateRenderLength(
  scenes: ReadonlyArray<Pick<Scene, 'dialogue' | 'durationSec'>>,
  transitionSec: number,
  fps: number,
): RenderLengthEstimate {
  const shots = scenes.map(
    (s) =>
      toFrames(neededShotSeconds(s.durationSec, estimateSpeechEndSec(s, transitionSec), transitionSec), fps) /
      fps,
  );
  return { shots, totalSec: layoutTimeline(shots, transitionSec).totalSec };
}
