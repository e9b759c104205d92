import { layoutTimeline, MIN_SHOT_SEC, TAIL_SEC, toFrames } from './render-timing';

/**
 * How a storyboard is fitted into a platform variant's length (`render.variants`), shared by the
 * worker (which fits with the spoken lines' real timings) and the job plan (which fits with the
 * submit-time estimates to weigh the work). The rule, in order:
 *
 * 1. A storyboard no longer than the variant keeps every scene at its own length (it is never
 *    stretched to fill the preset).
 * 2. Otherwise every scene may lose the silence after its last line (down to the line's end plus
 *    TAIL_SEC and the transition, at least MIN_SHOT_SEC); a line is never cut.
 * 3. If that is still too long, middle scenes are dropped whole: the first scene (the hook) and the
 *    last (the call to action) stay. Scenes without dialogue go first, then the later middle scenes
 *    before the earlier ones, so the set-up right after the hook survives longest.
 * 4. If the hook and the call to action alone are still too long, whole trailing lines are dropped
 *    (from whichever of the two is longer, each keeping its first line), then the call to action,
 *    and last the hook's trailing lines; a first line longer than the variant cannot be fitted.
 * 5. The time left over is given back to the kept scenes in proportion to what step 2 took from
 *    them, in whole frames, so the variant ends as close under its length as frames allow.
 *
 * Brand cards (intro, outro) are fixed: they count against the length and are never shortened.
 */

/** One scene as the fit sees it. */
export interface FitScene {
  /** The shot's own length (seconds, whole frames): what `render.video` gives it. */
  naturalSec: number;
  /** Where each spoken line ends, from the start of the shot (seconds), in order; [] without dialogue. */
  lineEndsSec: readonly number[];
}

/** A kept scene: its index in the storyboard, its length, and how many of its lines it keeps. */
export interface FittedScene {
  scene: number;
  /** Shot length in the variant (seconds, whole frames, at most `naturalSec`). */
  sec: number;
  /** Lines kept (the first `lines`); fewer than the scene has only in step 4. */
  lines: number;
}

export interface VariantFit {
  scenes: FittedScene[];
  /** The variant's length: cards and kept shots, one transition overlapped per join (seconds). */
  totalSec: number;
  /** Indices of the scenes left out. */
  dropped: number[];
  /** Lines left out of kept scenes (step 4). */
  droppedLines: number;
}

export interface FitOptions {
  /** The variant's length (seconds): the fit never exceeds it. */
  targetSec: number;
  /** Transition length (seconds, whole frames); 0 for cuts. */
  transitionSec: number;
  fps: number;
  /** Brand intro and outro cards (seconds; 0 or absent: none). */
  introSec?: number;
  outroSec?: number;
}

/** The storyboard cannot be fitted: even its first line is longer than the variant. */
export class VariantFitError extends Error {
  override name = 'VariantFitError';
}

/** Rounds seconds down to whole frames (never below one frame). */
const floorFrames = (sec: number, fps: number) => Math.max(1, Math.floor(sec * fps + 1e-6)) / fps;

/**
 * Fits `scenes` into `o.targetSec` with the rule above.
 *
 * @throws VariantFitError when the hook's first line (with the cards) is longer than the variant
 */
export function fitVariant(scenes: readonly FitScene[], o: FitOptions): VariantFit {
  if (!scenes.length) throw new VariantFitError('A variant needs at least one scene.');
  const T = o.transitionSec;
  const cards = [o.introSec ?? 0, o.outroSec ?? 0].filter((s) => s > 0);
  const total = (secs: readonly number[]) => layoutTimeline([...cards, ...secs], T).totalSec;
  // Tolerance: lengths are whole frames, so sums carry float noise far under a frame.
  const fits = (secs: readonly number[]) => total(secs) <= o.targetSec + 1e-6;
  const natural = scenes.map((s) => s.naturalSec);
  if (fits(natural))
    return {
      scenes: scenes.map((s, i) => ({ scene: i, sec: s.naturalSec, lines: s.lineEndsSec.length })),
      totalSec: total(natural),
      dropped: [],
      droppedLines: 0,
    };

  const lines = scenes.map((s) => s.lineEndsSec.length);
  const minSec = (i: number) => {
    const k = lines[i]!;
    const end = k > 0 ? scenes[i]!.lineEndsSec[k - 1]! + TAIL_SEC + T : 0;
    return Math.min(scenes[i]!.naturalSec, toFrames(Math.max(MIN_SHOT_SEC, end), o.fps) / o.fps);
  };
  let kept = scenes.map((_, i) => i);
  const keptMin = () => kept.map(minSec);
  const last = scenes.length - 1;
  // Step 3's order: silent middle scenes, later ones first; then the rest, later ones first.
  const middle = kept.filter((i) => i !== 0 && i !== last).reverse();
  const dropOrder = [
    ...middle.filter((i) => scenes[i]!.lineEndsSec.length === 0),
    ...middle.filter((i) => scenes[i]!.lineEndsSec.length > 0),
  ];
  while (!fits(keptMin())) {
    const next = dropOrder.shift();
    if (next !== undefined) {
      kept = kept.filter((i) => i !== next);
      continue;
    }
    // Only the hook (and the call to action) are left: trailing lines, then the call to action.
    const trimmable = kept.filter((i) => lines[i]! > 1).sort((a, b) => minSec(b) - minSec(a));
    if (trimmable.length) {
      lines[trimmable[0]!]!--;
      continue;
    }
    if (kept.length > 1) {
      kept = [kept[0]!];
      continue;
    }
    throw new VariantFitError(
      `Its first scene's first line alone needs ${total(keptMin()).toFixed(1)} s with the brand cards, longer than the variant's ${o.targetSec} s: shorten that line or choose a longer variant.`,
    );
  }

  // Step 5: give the slack back in proportion to what each shortened scene lost.
  const mins = keptMin();
  const rooms = kept.map((i, k) => (lines[i] === scenes[i]!.lineEndsSec.length ? natural[i]! - mins[k]! : 0));
  const room = rooms.reduce((s, r) => s + r, 0);
  const slack = o.targetSec - total(mins);
  const secs = kept.map((_, k) =>
    room <= slack ? mins[k]! + rooms[k]! : floorFrames(mins[k]! + (rooms[k]! * slack) / room, o.fps),
  );
  return {
    scenes: kept.map((i, k) => ({ scene: i, sec: secs[k]!, lines: lines[i]! })),
    totalSec: total(secs),
    dropped: scenes.map((_, i) => i).filter((i) => !kept.includes(i)),
    droppedLines: kept.reduce((s, i) => s + scenes[i]!.lineEndsSec.length - lines[i]!, 0),
  };
}
