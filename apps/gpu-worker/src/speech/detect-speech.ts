import { Tensor } from 'onnxruntime-node';
import type { PcmAudio } from '../media/decode-audio';
import type { ModelRegistry } from '../models/model-registry';
import { SILERO_CONTEXT, SILERO_VAD, SILERO_WINDOW } from './silero-vad-model';

/** One stretch of speech, in seconds from the start of the audio. */
export interface SpeechSpan {
  startSec: number;
  endSec: number;
}

export interface DetectSpeechOptions {
  /** Speech starts when the probability reaches this; default 0.5. */
  threshold?: number;
  /** Speech shorter than this is dropped; default 250 ms. */
  minSpeechMs?: number;
  /** A pause must last this long to end a span; default 100 ms. */
  minSilenceMs?: number;
  /** Added on both sides of each span (clamped to neighbours); default 30 ms. */
  padMs?: number;
  /** Called now and then with the share of the audio read, 0–1. */
  onProgress?: (fraction: number) => void;
}

const SAMPLE_RATE = 16_000;

/**
 * Per-window speech probabilities (one per 32 ms window of 512 samples) from Silero VAD, run
 * through the registry. The recurrent state and 64-sample context carry from window to window.
 *
 * @throws RangeError when the audio is not 16 kHz
 */
export async function speechProbabilities(
  registry: ModelRegistry,
  audio: PcmAudio,
  onProgress?: (fraction: number) => void,
): Promise<Float32Array> {
  if (audio.sampleRate !== SAMPLE_RATE)
    throw new RangeError(
      `Silero VAD needs 16 kHz audio, got ${audio.sampleRate} Hz; decode with decodeAudio().`,
    );
  const windows = Math.ceil(audio.samples.length / SILERO_WINDOW);
  const probs = new Float32Array(windows);
  let state = new Float32Array(2 * 128);
  const input = new Float32Array(SILERO_CONTEXT + SILERO_WINDOW);
  const sr = new Tensor('int64', BigInt64Array.from([BigInt(SAMPLE_RATE)]), []);
  for (let w = 0; w < windows; w++) {
    // Shift the last 64 samples of the previous input to the front as context, then the new window.
    input.copyWithin(0, SILERO_WINDOW);
    const chunk = audio.samples.subarray(w * SILERO_WINDOW, (w + 1) * SILERO_WINDOW);
    input.fill(0, SILERO_CONTEXT);
    input.set(chunk, SILERO_CONTEXT);
    const out = await registry.run(SILERO_VAD, {
      input: new Tensor('float32', input.slice(), [1, input.length]),
      state: new Tensor('float32', state, [2, 1, 128]),
      sr,
    });
    if (!out.output || !out.stateN) throw new Error('Silero VAD returned no output/stateN.');
    probs[w] = (out.output.data as Float32Array)[0] ?? 0;
    state = Float32Array.from(out.stateN.data as Float32Array);
    // Every ~10 s of audio.
    if (onProgress && w % 312 === 311) onProgress(w / windows);
  }
  return probs;
}

/** Silero's observed lag at the end of speech: up to three windows stay above threshold. */
const MAX_TAIL_TRIM = 3 * SILERO_WINDOW;
const FRAME = 160; // 10 ms

function rms(samples: Float32Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (samples[i] ?? 0) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}

/**
 * Moves a span's end back over 10 ms frames that are quiet relative to the span (below 10% of its
 * median frame energy), by at most Silero's lag. Without it ends land 60–100 ms late.
 */
function trimQuietTail(samples: Float32Array, start: number, end: number): number {
  const frames: number[] = [];
  for (let i = start; i + FRAME <= end; i += FRAME) frames.push(rms(samples, i, i + FRAME));
  if (frames.length < 4) return end;
  const median = [...frames].sort((a, b) => a - b)[Math.floor(frames.length / 2)]!;
  let trimmed = end;
  while (
    end - trimmed < MAX_TAIL_TRIM &&
    trimmed - FRAME > start &&
    rms(samples, trimmed - FRAME, trimmed) < 0.1 * median
  )
    trimmed -= FRAME;
  return trimmed;
}

/** Silero's observed lag at the start of soft onsets (a glide or fricative): up to eight windows. */
const MAX_HEAD_EXTEND = 8 * SILERO_WINDOW;
/** A soft onset may be parted from the vowel by a dip this long (10 ms frames). */
const MAX_ONSET_DIP_FRAMES = 5;

/**
 * Moves a span's start earlier to the first of the 10 ms frames before it that still carry voice
 * (at least 5% of the span's median frame energy), across dips of up to 50 ms, by at most Silero's
 * onset lag and never before `floor`. Soft onsets ("w", "f", "h") are audible 100–250 ms before
 * the probability reaches the threshold, often with a short dip before the vowel.
 */
function extendSoftOnset(samples: Float32Array, start: number, end: number, floor: number): number {
  const frames: number[] = [];
  for (let i = start; i + FRAME <= end; i += FRAME) frames.push(rms(samples, i, i + FRAME));
  if (frames.length < 4) return start;
  const median = [...frames].sort((a, b) => a - b)[Math.floor(frames.length / 2)]!;
  let extended = start;
  let quiet = 0;
  for (let at = start - FRAME; at >= floor && start - at <= MAX_HEAD_EXTEND; at -= FRAME) {
    if (rms(samples, at, at + FRAME) >= 0.05 * median) {
      extended = at;
      quiet = 0;
    } else if (++quiet > MAX_ONSET_DIP_FRAMES) break;
  }
  return extended;
}

/**
 * Finds the spans of speech in 16 kHz mono audio: Silero's probabilities with hysteresis (a span
 * closes after `minSilenceMs` below threshold − 0.15, ending at the last voiced window, quiet tail
 * trimmed, soft onsets taken in), short blips dropped, spans padded. A port of
 * Silero's `get_speech_timestamps`.
 */
export async function detectSpeech(
  registry: ModelRegistry,
  audio: PcmAudio,
  options: DetectSpeechOptions = {},
): Promise<SpeechSpan[]> {
  const threshold = options.threshold ?? 0.5;
  const negThreshold = Math.max(threshold - 0.15, 0.01);
  const minSpeech = ((options.minSpeechMs ?? 250) * SAMPLE_RATE) / 1000;
  const minSilence = ((options.minSilenceMs ?? 100) * SAMPLE_RATE) / 1000;
  const pad = ((options.padMs ?? 30) * SAMPLE_RATE) / 1000;
  const probs = await speechProbabilities(registry, audio, options.onProgress);
  const total = audio.samples.length;

  const spans: Array<{ start: number; end: number }> = [];
  let triggered = false;
  let start = 0;
  let silenceSince: number | null = null;
  // Silero's probability decays for 50–100 ms after the voice stops, so a span ends where the last
  // window above `threshold` ends rather than at the first window below the lower threshold.
  let lastVoiced = 0;
  probs.forEach((p, w) => {
    const at = w * SILERO_WINDOW;
    if (p >= threshold) {
      silenceSince = null;
      lastVoiced = at + SILERO_WINDOW;
    }
    if (p >= threshold && !triggered) {
      triggered = true;
      start = at;
      return;
    }
    if (p < negThreshold && triggered) {
      silenceSince ??= at;
      if (at - silenceSince < minSilence) return;
      if (lastVoiced - start >= minSpeech) spans.push({ start, end: Math.min(lastVoiced, silenceSince) });
      triggered = false;
      silenceSince = null;
    }
  });
  if (triggered && lastVoiced - start >= minSpeech) spans.push({ start, end: Math.min(total, lastVoiced) });

  for (const [i, span] of spans.entries()) {
    span.end = trimQuietTail(audio.samples, span.start, span.end);
    span.start = extendSoftOnset(audio.samples, span.start, span.end, spans[i - 1]?.end ?? 0);
  }

  // Pad each span, splitting the gap between neighbours when the pads would overlap.
  return spans.map((s, i) => {
    const prev = spans[i - 1];
    const next = spans[i + 1];
    const from = prev ? Math.max(s.start - pad, (prev.end + s.start) / 2) : Math.max(0, s.start - pad);
    const to = next ? Math.min(s.end + pad, (s.end + next.start) / 2) : Math.min(total, s.end + pad);
    return { startSec: from / SAMPLE_RATE, endSec: to / SAMPLE_RATE };
  });
}
