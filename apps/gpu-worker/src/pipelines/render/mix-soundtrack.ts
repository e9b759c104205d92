import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWav } from '../../media/encode-wav';
import { runFfmpeg } from '../../media/ffmpeg';

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

const parseDb = (v: string | undefined) =>
  v === undefined || v === '-inf' ? Number.NEGATIVE_INFINITY : Number(v);

/**
 * Reads the summary FFmpeg's ebur128 filter prints when it ends: integrated loudness (I) and the
 * sample peak. Throws when there is none.
 */
export function parseEbur128Summary(stderr: string): { integratedLufs: number; samplePeakDbfs: number } {
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const i = /\bI:\s+(-inf|-?[\d.]+) LUFS/.exec(summary)?.[1];
  const peak = /Peak:\s+(-inf|-?[\d.]+) dBFS/.exec(summary)?.[1];
  if (!stderr.includes('Summary:') || i === undefined)
    throw new Error('ebur128 printed no loudness summary.');
  return { integratedLufs: parseDb(i), samplePeakDbfs: parseDb(peak) };
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

export interface MixSoundtrackOptions {
  dialogue: Float32Array;
  music: Float32Array;
  /** AAC output (`.m4a`). */
  out: string;
  scratchDir: string;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/**
 * Mixes dialogue over music, ducking the music under speech (sidechaincompress keyed by the
 * dialogue), then normalizes to TARGET_LUFS with one linear gain: the mixing pass also measures the
 * mix with the ebur128 filter (BS.1770 integrated loudness at the mix's own rate), and the encoding
 * pass applies `volume` (plus a limiter only if the gain would push peaks over TARGET_TRUE_PEAK).
 * loudnorm would measure the same loudness but resamples to 192 kHz in both passes, which made the
 * soundtrack the slowest part of a re-render. Writes stereo AAC at 48 kHz (dual mono).
 *
 * @returns the measurement and the gain applied
 * @throws FfmpegError when FFmpeg fails
 */
export async function mixSoundtrack(o: MixSoundtrackOptions): Promise<LoudnessMeasure> {
  const dialogueWav = join(o.scratchDir, 'dialogue.wav');
  const musicWav = join(o.scratchDir, 'music.wav');
  const mixWav = join(o.scratchDir, 'mix.wav');
  await writeFile(dialogueWav, encodeWav({ samples: o.dialogue, sampleRate: AUDIO_RATE }));
  await writeFile(musicWav, encodeWav({ samples: o.music, sampleRate: AUDIO_RATE }));
  const durationSec = o.dialogue.length / AUDIO_RATE;
  // Everything runs in mono (half the work), and the result goes to stereo at −3 dB per channel,
  // which BS.1770 measures as loud as the mono mix. Mono WAV has no channel layout: name it first.
  const fmt = `aformat=sample_fmts=fltp:sample_rates=${AUDIO_RATE}:channel_layouts=mono`;
  const stereo = 'pan=stereo|c0=0.70710678*c0|c1=0.70710678*c0';
  let stderr = '';
  await runFfmpeg(
    [
      '-y',
      '-i',
      dialogueWav,
      '-i',
      musicWav,
      '-filter_complex',
      `[0:a]${fmt},asplit=2[d][key];[1:a]${fmt},volume=0.35[m];` +
        '[m][key]sidechaincompress=threshold=0.02:ratio=10:attack=20:release=400:makeup=1[duck];' +
        `[d][duck]amix=inputs=2:duration=first:normalize=0,asplit=2[mix][meas];` +
        // framelog=verbose keeps the per-frame lines out of the log; the summary still prints
        // (framelog=quiet suppresses the summary too in FFmpeg 5.1).
        '[meas]ebur128=peak=sample:framelog=verbose,anullsink',
      '-map',
      '[mix]',
      '-c:a',
      'pcm_f32le',
      mixWav,
    ],
    {
      durationSec,
      signal: o.signal,
      onProgress: (p) => o.onProgress?.((p.fraction ?? 0) * 0.5),
      onStderr: (c) => {
        stderr = (stderr + c).slice(-8192);
      },
    },
  );
  const measured = parseEbur128Summary(stderr);
  // A silent mix (no dialogue, no music) has no integrated loudness: leave it as it is.
  const gainDb = Number.isFinite(measured.integratedLufs) ? TARGET_LUFS - measured.integratedLufs : 0;
  const limited = measured.samplePeakDbfs + gainDb > TARGET_TRUE_PEAK;
  const ceiling = 10 ** (TARGET_TRUE_PEAK / 20);
  const limiter = limited ? `,alimiter=limit=${ceiling.toFixed(4)}:attack=5:release=50:level=false` : '';
  await runFfmpeg(
    [
      '-y',
      '-i',
      mixWav,
      '-af',
      // The float WAV may come back without a channel layout, which AAC needs: name it again.
      `${fmt},volume=${gainDb.toFixed(2)}dB${limiter},${stereo}`,
      '-c:a',
      'aac',
      '-b:a',
      '160k',
      o.out,
    ],
    { durationSec, signal: o.signal, onProgress: (p) => o.onProgress?.(0.5 + (p.fraction ?? 0) * 0.5) },
  );
  return { ...measured, gainDb, limited };
}
