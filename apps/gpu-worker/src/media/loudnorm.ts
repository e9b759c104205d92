import { runFfmpeg } from '@clapboard/server/media';

/** EBU R128 targets for FFmpeg's `loudnorm`. */
export interface LoudnessTarget {
  /** Integrated loudness, LUFS. */
  integratedLufs: number;
  /** Maximum true peak, dBTP. */
  truePeakDb: number;
  /** Loudness range, LU. */
  rangeLu: number;
}

/** What social platforms normalise speech to: −14 LUFS, −1.5 dBTP, 11 LU. */
export const SOCIAL_LOUDNESS: LoudnessTarget = { integratedLufs: -14, truePeakDb: -1.5, rangeLu: 11 };

/** The first `loudnorm` pass' measurement of a stretch of audio. */
export interface LoudnormMeasurement {
  inputI: number;
  inputTp: number;
  inputLra: number;
  inputThresh: number;
  targetOffset: number;
}

/** Parses the JSON block `loudnorm=print_format=json` prints at the end of stderr. */
export function parseLoudnormJson(stderr: string): LoudnormMeasurement | null {
  const start = stderr.lastIndexOf('{');
  const end = stderr.lastIndexOf('}');
  if (start < 0 || end < start) return null;
  try {
    const j = JSON.parse(stderr.slice(start, end + 1)) as Record<string, string>;
    const m = {
      inputI: Number(j.input_i),
      inputTp: Number(j.input_tp),
      inputLra: Number(j.input_lra),
      inputThresh: Number(j.input_thresh),
      targetOffset: Number(j.target_offset),
    };
    return Object.values(m).every(Number.isFinite) ? m : null;
  } catch {
    return null;
  }
}

/**
 * First `loudnorm` pass: measures the audio of `input` (from `startSec`, `durationSec` long) with
 * FFmpeg's EBU R128 meter, decoding audio only.
 *
 * @returns null for silence (loudnorm reports −inf, nothing to normalise)
 * @throws FfmpegError when the input has no decodable audio
 */
export async function measureLoudnorm(
  input: string,
  o: { startSec: number; durationSec: number; target?: LoudnessTarget; signal?: AbortSignal },
): Promise<LoudnormMeasurement | null> {
  const t = o.target ?? SOCIAL_LOUDNESS;
  let stderr = '';
  await runFfmpeg(
    [
      '-ss',
      o.startSec.toFixed(3),
      '-t',
      o.durationSec.toFixed(3),
      '-i',
      input,
      '-vn',
      '-af',
      `loudnorm=I=${t.integratedLufs}:TP=${t.truePeakDb}:LRA=${t.rangeLu}:print_format=json`,
      '-f',
      'null',
      '-',
    ],
    {
      signal: o.signal,
      onStderr: (chunk) => {
        stderr = (stderr + chunk).slice(-8192);
      },
    },
  );
  return parseLoudnormJson(stderr);
}

/**
 * The second-pass `loudnorm` filter for a measured stretch: linear gain to the target where the
 * true-peak limit allows it (FFmpeg falls back to its dynamic mode where it does not), resampled
 * back to 48 kHz (loudnorm works at 192 kHz). Without a measurement (silence) it only resamples.
 */
export function loudnormFilter(
  m: LoudnormMeasurement | null,
  target: LoudnessTarget = SOCIAL_LOUDNESS,
): string {
  if (!m) return 'aresample=48000';
  const t = target;
  return (
    `loudnorm=I=${t.integratedLufs}:TP=${t.truePeakDb}:LRA=${t.rangeLu}` +
    `:measured_I=${m.inputI}:measured_TP=${m.inputTp}:measured_LRA=${m.inputLra}` +
    `:measured_thresh=${m.inputThresh}:offset=${m.targetOffset}:linear=true,aresample=48000`
  );
}
