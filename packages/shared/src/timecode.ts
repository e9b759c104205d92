/**
 * Frame rates, SMPTE timecodes and rational times: the one place deliverables (EDL, OTIO, FCPXML)
 * turn seconds into frames. Whole-number rates count frames as they are; 29.97 (30000/1001) counts
 * them with drop-frame labels, so a timecode stays within a frame of the wall clock.
 */

/** Rates a deliverable may be asked for; a render's own rate is any whole number its settings allow. */
export const DELIVERABLE_FPS = ['24', '25', '29.97'] as const;
export type DeliverableFps = (typeof DELIVERABLE_FPS)[number];

/** An exact frame rate: `num / den` frames per second, labelled in timecode at `timebase`. */
export interface FrameRate {
  /** Frames per second as a fraction: 30000/1001 for 29.97. */
  num: number;
  den: number;
  /** Frames per timecode second: 30 for 29.97. */
  timebase: number;
  /** Drop-frame labels (only 29.97): frames ;00 and ;01 skipped each minute but every tenth. */
  dropFrame: boolean;
  /** How people write it: "24", "29.97". */
  label: string;
}

/**
 * The exact rate for `fps`: 29.97 is 30000/1001 with drop-frame timecode; a whole number is itself.
 *
 * @throws RangeError for any other fractional rate
 */
export function frameRate(fps: number | string): FrameRate {
  const value = typeof fps === 'string' ? Number(fps) : fps;
  if (Math.abs(value - 29.97) < 0.005)
    return { num: 30000, den: 1001, timebase: 30, dropFrame: true, label: '29.97' };
  if (Number.isInteger(value) && value >= 1 && value <= 120)
    return { num: value, den: 1, timebase: value, dropFrame: false, label: String(value) };
  throw new RangeError(`Unsupported frame rate ${fps}: use a whole number or 29.97.`);
}

/** The frame a time falls on, rounded to the nearest frame (times are whole frames of some rate). */
export function secondsToFrames(seconds: number, rate: FrameRate): number {
  return Math.max(0, Math.round((seconds * rate.num) / rate.den));
}

/** Seconds at the start of frame `frames`. */
export function framesToSeconds(frames: number, rate: FrameRate): number {
  return (frames * rate.den) / rate.num;
}

// Drop-frame at 29.97: 2 labels skipped per minute, except minutes divisible by ten.
const DF_DROP = 2;
const DF_PER_MINUTE = 30 * 60 - DF_DROP; // 1798 frames in a dropping minute
const DF_PER_TEN_MINUTES = DF_PER_MINUTE * 10 + DF_DROP; // 17982

/**
 * SMPTE timecode of a frame count from 00:00:00:00: `hh:mm:ss:ff`, or `hh:mm:ss;ff` with drop-frame
 * labels at 29.97. Hours wrap at 24 as decks do.
 */
export function framesToTimecode(frames: number, rate: FrameRate): string {
  let label = Math.max(0, Math.floor(frames));
  if (rate.dropFrame) {
    const tens = Math.floor(label / DF_PER_TEN_MINUTES);
    const rest = label % DF_PER_TEN_MINUTES;
    // Labels skipped before this frame: 18 per whole ten minutes, 2 per dropping minute since.
    const minutes = rest < DF_DROP ? 0 : Math.floor((rest - DF_DROP) / DF_PER_MINUTE);
    label += 9 * DF_DROP * tens + DF_DROP * minutes;
  }
  const tb = rate.timebase;
  const ff = label % tb;
  const totalSec = Math.floor(label / tb);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hh = Math.floor(totalSec / 3600) % 24;
  const mm = Math.floor(totalSec / 60) % 60;
  const ss = totalSec % 60;
  return `${pad(hh)}:${pad(mm)}:${pad(ss)}${rate.dropFrame ? ';' : ':'}${pad(ff)}`;
}

/**
 * A frame count as an exact rational time in seconds the way FCPXML writes it: `0s`, `5/1s` at
 * whole rates become `5s`, otherwise `frames×den/num s` (`1001/30000s` is one frame at 29.97).
 */
export function framesToRational(frames: number, rate: FrameRate): string {
  if (frames === 0) return '0s';
  const numerator = frames * rate.den;
  if (numerator % rate.num === 0) return `${numerator / rate.num}s`;
  return `${numerator}/${rate.num}s`;
}
