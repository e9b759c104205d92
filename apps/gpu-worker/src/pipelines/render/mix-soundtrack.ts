import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { inPool } from '../../jobs/in-pool';
import { AAC_FRAME, encodeAacSpan } from '../../media/aac-frames';
import { measureLoudness } from '../../media/measure-loudness';

/** Integrated loudness the soundtrack is normalized to (LUFS, EBU R128 / streaming norm). */
export const TARGET_LUFS = -16;
/** True-peak ceiling (dBTP). */
export const TARGET_TRUE_PEAK = -1.5;
/** Sample rate of every audio file the render writes (Hz). */
export const AUDIO_RATE = 48_000;

/** What the measuring pass found, and the gain applied to reach TARGET_LUFS. */
export interface LoudnessMeasure {
  /** Integrated loudness of the mix before normalization (LUFS, BS.1770 / EBU R128). */
  integratedLufs: number;
  /** Highest sample of the mix before normalization (dBFS). */
  samplePeakDbfs: number;
  /** Linear gain applied (dB). */
  gainDb: number;
  /** Whether a limiter had to hold the peaks under TARGET_TRUE_PEAK after the gain. */
  limited: boolean;
}

/**
 * Lays per-scene dialogue tracks on the video's timeline: scene `i`'s track starts at
 * `offsets[i]` seconds. Tracks overlap only inside transitions, where they are silent, so they add.
 */
export function layDialogue(
  tracks: readonly Float32Array[],
  offsets: readonly number[],
  totalSec: number,
): Float32Array {
  const out = new Float32Array(Math.round(totalSec * AUDIO_RATE));
  tracks.forEach((track, i) => {
    const start = Math.round((offsets[i] ?? 0) * AUDIO_RATE);
    const n = Math.min(track.length, out.length - start);
    for (let k = 0; k < n; k++) out[start + k]! += track[k]!;
  });
  return out;
}

/** Repeats a loop to exactly `totalSec`, fading out over the last two seconds. */
export function loopMusic(loop: Float32Array, totalSec: number): Float32Array {
  const out = new Float32Array(Math.round(totalSec * AUDIO_RATE));
  if (!loop.length) return out;
  for (let i = 0; i < out.length; i++) out[i] = loop[i % loop.length]!;
  const fade = Math.min(out.length, 2 * AUDIO_RATE);
  for (let i = 0; i < fade; i++) out[out.length - 1 - i]! *= i / fade;
  return out;
}

/** The soundtrack's AAC settings; the render benchmark's floor encodes with the same ones. */
export const AAC_ARGS = ['-c:a', 'aac', '-aac_coder', 'fast', '-b:a', '160k'] as const;
/**
 * How far (dB) the gain a previous render used may be from this mix's ideal gain and still be
 * kept: an edit that barely moves the film's loudness then leaves every other scene's samples,
 * and so their encoded audio, exactly as they were, at most this far off the target.
 */
export const GAIN_TOLERANCE_DB = 0.5;
/** Pre- and post-roll around each separately encoded span (samples; two AAC frames each). */
const ROLL = 2 * AAC_FRAME;
/** Audio before a span run through the ducker and limiter first, so their state has settled. */
const WARM_UP = Math.ceil((2 * AUDIO_RATE) / AAC_FRAME) * AAC_FRAME;

/** How the music ducks under dialogue: a soft-knee compressor keyed by the dialogue. */
export const DUCKING = { thresholdDb: -34, ratio: 10, kneeDb: 9, attackMs: 20, releaseMs: 400 } as const;

/**
 * Applies to `music`, in place, the gain a compressor keyed by `key` would: the key's RMS level
 * (over about 10 ms) above the threshold pulls the music down at `ratio`, with a soft knee; the
 * gain reduction, in dB, then follows with the attack and release times, so the music comes back
 * up smoothly within a second or so of a line ending. The gain is recomputed every 16 samples (a
 * third of a millisecond, far under the attack time) and ramped in between, which keeps a minute
 * of audio to a few milliseconds.
 */
export function duckUnder(music: Float32Array, key: Float32Array, d: typeof DUCKING = DUCKING): void {
  const BLOCK = 16;
  const per = (ms: number) => 1 - Math.exp(-BLOCK / ((ms / 1000) * AUDIO_RATE));
  const detect = 1 - Math.exp(-1 / (0.01 * AUDIO_RATE));
  const attack = per(d.attackMs);
  const release = per(d.releaseMs);
  const slope = 1 / d.ratio - 1;
  const half = d.kneeDb / 2;
  let meanSquare = 0;
  let reductionDb = 0;
  let gain = 1;
  for (let start = 0; start < music.length; start += BLOCK) {
    const end = Math.min(start + BLOCK, music.length);
    for (let i = start; i < end; i++) {
      const k = key[i] ?? 0;
      meanSquare += (k * k - meanSquare) * detect;
    }
    const over = meanSquare > 0 ? 10 * Math.log10(meanSquare) - d.thresholdDb : Number.NEGATIVE_INFINITY;
    const target =
      over <= -half ? 0 : over < half ? (slope * (over + half) ** 2) / (2 * d.kneeDb) : slope * over;
    reductionDb += (target - reductionDb) * (target < reductionDb ? attack : release);
    const next = 10 ** (reductionDb / 20);
    const stepGain = (next - gain) / (end - start);
    for (let i = start; i < end; i++) {
      gain += stepGain;
      music[i]! *= gain;
    }
  }
}

/**
 * A lookahead peak limiter, in place: the gain ramps down over `lookaheadMs` before any sample
 * that would exceed `ceiling` (so none does) and recovers with `releaseMs`.
 */
export function limitPeaks(x: Float32Array, ceiling: number, lookaheadMs = 5, releaseMs = 50): void {
  const slope = 1 / ((lookaheadMs / 1000) * AUDIO_RATE);
  const release = 1 - Math.exp(-1 / ((releaseMs / 1000) * AUDIO_RATE));
  const gain = new Float32Array(x.length);
  let next = 1;
  for (let i = x.length - 1; i >= 0; i--) {
    const a = Math.abs(x[i]!);
    next = Math.min(a > ceiling ? ceiling / a : 1, next + slope);
    gain[i] = next;
  }
  let g = 1;
  for (let i = 0; i < x.length; i++) {
    g = Math.min(gain[i]!, g + (1 - g) * release);
    x[i]! *= g;
  }
}

/**
 * Dialogue over ducked music for samples [from, to) of the film, computed from that range alone
 * (zeros outside the film), so a span's samples depend only on the audio in and just before it.
 */
export function mixRange(
  dialogue: Float32Array,
  music: Float32Array,
  from: number,
  to: number,
): Float32Array {
  const d = new Float32Array(to - from);
  const m = new Float32Array(to - from);
  const a = Math.max(0, from);
  d.set(dialogue.subarray(a, Math.max(a, Math.min(to, dialogue.length))), a - from);
  m.set(music.subarray(a, Math.max(a, Math.min(to, music.length))), a - from);
  duckUnder(m, d);
  for (let i = 0; i < d.length; i++) d[i]! += 0.35 * m[i]!;
  return d;
}

/** Encoded spans of soundtrack by the hash of the samples they encode (content-addressed). */
export interface SoundtrackCache {
  get(key: string): Promise<Buffer | null>;
  put(key: string, frames: Buffer): Promise<void>;
}

export interface MixSoundtrackOptions {
  dialogue: Float32Array;
  music: Float32Array;
  /**
   * Where the soundtrack may be cut into separately encoded spans (seconds; the render cuts in
   * the middle of each transition). None: one span.
   */
  cutsAtSec?: readonly number[];
  /** Spans encoded by earlier renders; default none. */
  cache?: SoundtrackCache;
  /** The gain the project's previous render applied: kept when within GAIN_TOLERANCE_DB. */
  previousGainDb?: number;
  /** AAC output, as an ADTS stream (`.aac`), as long as the dialogue track (whole frames). */
  out: string;
  scratchDir: string;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/** The loudness measurement, the gain, and how many spans were encoded or reused. */
export interface SoundtrackResult extends LoudnessMeasure {
  spans: number;
  reusedSpans: number;
}

/**
 * Mixes dialogue over music ducked under it and normalizes the film to TARGET_LUFS with one gain
 * (plus a limiter only if that gain would push peaks over TARGET_TRUE_PEAK), all on the samples in
 * this process: a minute takes milliseconds. The AAC encode, the only costly part, is cut into
 * spans at `cutsAtSec`, content-addressed by their samples (adjacent ones encoded together), so a
 * re-render after a change in one scene encodes that scene's span and reuses the rest (the previous
 * render's gain is kept while it is within GAIN_TOLERANCE_DB of the ideal one). Writes stereo AAC at 48 kHz (dual mono: the mix
 * is mono, and each channel carries it at −3 dB, which BS.1770 measures as loud as the mono mix).
 *
 * @returns the measurement, the gain applied and the spans encoded
 * @throws FfmpegError when FFmpeg fails
 */
export async function mixSoundtrack(o: MixSoundtrackOptions): Promise<SoundtrackResult> {
  const total = o.dialogue.length;
  const measured = measureLoudness(mixRange(o.dialogue, o.music, 0, total), AUDIO_RATE);
  o.signal?.throwIfAborted();
  // A silent mix (no dialogue, no music) has no integrated loudness: leave it as it is.
  const ideal = Number.isFinite(measured.integratedLufs) ? TARGET_LUFS - measured.integratedLufs : 0;
  const gainDb =
    o.previousGainDb !== undefined && Math.abs(o.previousGainDb - ideal) <= GAIN_TOLERANCE_DB
      ? o.previousGainDb
      : ideal;
  const limited = measured.samplePeakDbfs + gainDb > TARGET_TRUE_PEAK;
  const gain = 10 ** (gainDb / 20);
  const ceiling = 10 ** (TARGET_TRUE_PEAK / 20);

  const end = Math.ceil(total / AAC_FRAME) * AAC_FRAME;
  const cuts = [
    ...new Set((o.cutsAtSec ?? []).map((t) => Math.round((t * AUDIO_RATE) / AAC_FRAME) * AAC_FRAME)),
  ]
    .filter((c) => c > 0 && c < end)
    .sort((a, b) => a - b);
  const bounds = [0, ...cuts, end];
  const args = ['-af', 'pan=stereo|c0=0.70710678*c0|c1=0.70710678*c0', ...AAC_ARGS];
  const spans = bounds.slice(0, -1).map((from, k) => ({ from, to: bounds[k + 1]! }));
  // Each span's encoder input: pre-roll, its samples, post-roll; gained and limited, computed from
  // that stretch of audio alone (plus the warm-up), so the same audio always hashes the same.
  const inputs = spans.map(({ from, to }) => {
    const mixed = mixRange(o.dialogue, o.music, from - WARM_UP, to + ROLL);
    for (let i = 0; i < mixed.length; i++) mixed[i]! *= gain;
    if (limited) limitPeaks(mixed, ceiling);
    return mixed.subarray(WARM_UP - ROLL);
  });
  const keys = inputs.map((pcm) =>
    createHash('sha256')
      .update(JSON.stringify({ args, rate: AUDIO_RATE, roll: ROLL }))
      .update(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength))
      .digest('hex'),
  );
  const encoded: Array<Buffer | null> = await Promise.all(
    keys.map(async (key) => (await o.cache?.get(key)) ?? null),
  );
  const reusedSpans = encoded.filter(Boolean).length;
  // Adjacent spans still to encode go through FFmpeg together (each start-up costs about as much
  // as encoding a scene's audio), in at most two runs at once so both cores work. A run encodes
  // its spans' own samples laid end to end (the first one's pre-roll, every span, the last one's
  // post-roll), and its frames are kept per span under that span's key.
  const runs: number[][] = [];
  const missing = spans.map((_, k) => k).filter((k) => !encoded[k]);
  const perRun = Math.max(1, Math.ceil(missing.length / 2));
  for (const k of missing) {
    const run = runs.at(-1);
    if (run && run.at(-1) === k - 1 && run.length < perRun) run.push(k);
    else runs.push([k]);
  }
  let done = reusedSpans;
  o.onProgress?.(0.05 + (done / spans.length) * 0.95);
  await inPool(runs, 2, async (run) => {
    const from = spans[run[0]!]!.from;
    const to = spans[run.at(-1)!]!.to;
    const pcm = new Float32Array(to - from + 2 * ROLL);
    let filled = 0;
    for (const [j, k] of run.entries()) {
      const own = inputs[k]!;
      const part = own.subarray(j === 0 ? 0 : ROLL, j === run.length - 1 ? own.length : own.length - ROLL);
      pcm.set(part, filled);
      filled += part.length;
    }
    const frames = await encodeAacSpan({
      pcm,
      sampleRate: AUDIO_RATE,
      preSamples: ROLL,
      spanSamples: to - from,
      args,
      scratchDir: o.scratchDir,
      signal: o.signal,
    });
    let at = 0;
    for (const k of run) {
      const n = (spans[k]!.to - spans[k]!.from) / AAC_FRAME;
      encoded[k] = Buffer.concat(frames.slice(at, at + n));
      at += n;
      await o.cache?.put(keys[k]!, encoded[k]!);
      done++;
    }
    o.onProgress?.(0.05 + (done / spans.length) * 0.95);
  });
  await writeFile(o.out, Buffer.concat(encoded as Buffer[]));
  return { ...measured, gainDb, limited, spans: spans.length, reusedSpans };
}
