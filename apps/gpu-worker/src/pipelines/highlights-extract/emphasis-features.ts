import type { TimeSpan } from '@clapboard/shared/highlights';
import type { PcmAudio } from '../../media/decode-audio';

/** Per 40 ms frame of speech: loudness (dB) and pitch (Hz, 0 when unvoiced). */
export interface ProsodyTrack {
  frameSec: number;
  db: Float32Array;
  pitchHz: Float32Array;
  /** 1 where VAD found speech. */
  speech: Uint8Array;
}

const FRAME_SEC = 0.04;

/**
 * Loudness and pitch over the lecture, one value per 40 ms: RMS in dBFS, and the fundamental by
 * normalised autocorrelation on an 8 kHz copy (70–400 Hz; unvoiced when the peak is under 0.5).
 * About a second per 10 minutes of audio on one core.
 */
export function prosodyTrack(audio: PcmAudio, speech: readonly TimeSpan[]): ProsodyTrack {
  const rate = audio.sampleRate / 2;
  const half = new Float32Array(Math.floor(audio.samples.length / 2));
  for (let i = 0; i < half.length; i++) half[i] = (audio.samples[2 * i]! + audio.samples[2 * i + 1]!) / 2;
  const n = Math.round(FRAME_SEC * rate);
  const frames = Math.floor(half.length / n);
  const db = new Float32Array(frames);
  const pitchHz = new Float32Array(frames);
  const isSpeech = new Uint8Array(frames);
  for (const s of speech)
    for (
      let f = Math.floor(s.startSec / FRAME_SEC);
      f < Math.min(frames, Math.ceil(s.endSec / FRAME_SEC));
      f++
    )
      isSpeech[f] = 1;
  const minLag = Math.floor(rate / 400);
  const maxLag = Math.ceil(rate / 70);
  for (let f = 0; f < frames; f++) {
    const o = f * n;
    let energy = 0;
    for (let i = 0; i < n; i++) energy += half[o + i]! ** 2;
    db[f] = 10 * Math.log10(energy / n + 1e-10);
    if (!isSpeech[f] || db[f]! < -50 || o + n + maxLag > half.length) continue;
    let best = 0;
    let bestLag = 0;
    for (let lag = minLag; lag <= maxLag; lag++) {
      let sum = 0;
      let e2 = 0;
      for (let i = 0; i < n; i++) {
        const b = half[o + i + lag]!;
        sum += half[o + i]! * b;
        e2 += b * b;
      }
      const r = sum / Math.sqrt(energy * e2 + 1e-12);
      if (r > best) [best, bestLag] = [r, lag];
    }
    if (best >= 0.5 && bestLag) pitchHz[f] = rate / bestLag;
  }
  return { frameSec: FRAME_SEC, db, pitchHz, speech: isSpeech };
}

export interface Prosody {
  /** Mean loudness of the speech frames (dB). */
  meanDb: number;
  /** Spread of the pitch of voiced frames, in semitones. */
  pitchSpreadSt: number;
}

/** Loudness and pitch spread of the speech within `span`; null when it holds no speech. */
export function prosodyOf(track: ProsodyTrack, span: TimeSpan): Prosody | null {
  const from = Math.max(0, Math.floor(span.startSec / track.frameSec));
  const to = Math.min(track.db.length, Math.ceil(span.endSec / track.frameSec));
  let dbSum = 0;
  let count = 0;
  const semis: number[] = [];
  for (let f = from; f < to; f++) {
    if (!track.speech[f]) continue;
    dbSum += track.db[f]!;
    count++;
    if (track.pitchHz[f]! > 0) semis.push(12 * Math.log2(track.pitchHz[f]! / 100));
  }
  if (!count) return null;
  const mean = semis.reduce((a, b) => a + b, 0) / Math.max(1, semis.length);
  const spread =
    semis.length > 1 ? Math.sqrt(semis.reduce((a, b) => a + (b - mean) ** 2, 0) / semis.length) : 0;
  return { meanDb: dbSum / count, pitchSpreadSt: spread };
}
