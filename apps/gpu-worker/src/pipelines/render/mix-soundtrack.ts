import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '../../media/ffmpeg';
import { encodeWav } from './pcm-wav';

/** Integrated loudness the soundtrack is normalized to (LUFS, EBU R128 / streaming norm). */
export const TARGET_LUFS = -16;
/** True-peak ceiling (dBTP). */
export const TARGET_TRUE_PEAK = -1.5;
/** Loudness range allowed before loudnorm would compress (LU); wide so it stays linear. */
const TARGET_LRA = 20;
/** Sample rate of every audio file the render writes (Hz). */
export const AUDIO_RATE = 48_000;

/** What loudnorm's first (measuring) pass reports. */
export interface LoudnessMeasure {
  input_i: string;
  input_tp: string;
  input_lra: string;
  input_thresh: string;
  target_offset: string;
}

/** Pulls the JSON block loudnorm prints at the end of a pass out of FFmpeg's stderr. */
export function parseLoudnormJson(stderr: string): LoudnessMeasure {
  const start = stderr.lastIndexOf('{');
  const end = stderr.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error('loudnorm printed no measurement.');
  return JSON.parse(stderr.slice(start, end + 1)) as LoudnessMeasure;
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
 * dialogue), then normalizes to TARGET_LUFS in two passes: loudnorm measures the mix, then applies
 * one linear gain from that measurement (no pumping). Writes stereo AAC at 48 kHz (dual mono).
 *
 * @returns the first pass's measurement (input loudness before normalization)
 * @throws FfmpegError when FFmpeg fails
 */
export async function mixSoundtrack(o: MixSoundtrackOptions): Promise<LoudnessMeasure> {
  const dialogueWav = join(o.scratchDir, 'dialogue.wav');
  const musicWav = join(o.scratchDir, 'music.wav');
  const mixWav = join(o.scratchDir, 'mix.wav');
  await writeFile(dialogueWav, encodeWav(o.dialogue, AUDIO_RATE));
  await writeFile(musicWav, encodeWav(o.music, AUDIO_RATE));
  const durationSec = o.dialogue.length / AUDIO_RATE;
  // Everything runs in mono (half the work: the measuring pass dominates the assembly), and the
  // result goes to stereo at −3 dB per channel, which BS.1770 measures as loud as the mono mix.
  // Mono WAV has no channel layout: name it before anything that needs one.
  const fmt = `aformat=sample_fmts=fltp:sample_rates=${AUDIO_RATE}:channel_layouts=mono`;
  const stereo = 'pan=stereo|c0=0.70710678*c0|c1=0.70710678*c0';
  const target = `I=${TARGET_LUFS}:TP=${TARGET_TRUE_PEAK}:LRA=${TARGET_LRA}`;
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
        `[meas]loudnorm=${target}:print_format=json,anullsink`,
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
  const m = parseLoudnormJson(stderr);
  await runFfmpeg(
    [
      '-y',
      '-i',
      mixWav,
      '-af',
      // The float WAV may come back without a channel layout, which AAC needs: name it again.
      `${fmt},loudnorm=${target}:measured_I=${m.input_i}:measured_TP=${m.input_tp}:measured_LRA=${m.input_lra}:measured_thresh=${m.input_thresh}:offset=${m.target_offset}:linear=true,aresample=${AUDIO_RATE},${fmt},${stereo}`,
      '-c:a',
      'aac',
      '-b:a',
      '160k',
      o.out,
    ],
    { durationSec, signal: o.signal, onProgress: (p) => o.onProgress?.(0.5 + (p.fraction ?? 0) * 0.5) },
  );
  return m;
}
