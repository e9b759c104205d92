import { join } from 'node:path';
import { LEAD_SEC, LINE_GAP_SEC } from '@clapboard/shared/render-timing';
import { AUDIO_RATE } from './mix-soundtrack';
import { readPcm } from './pcm-wav';

/** A spoken line and where it is heard, in seconds from the start of its shot. */
export interface TimedLine {
  character: string;
  text: string;
  voice: string;
  startSec: number;
  endSec: number;
}

export interface SpeakSceneOptions {
  lines: Array<{ character: string; text: string; voice: string }>;
  /** Incoming transition length: speech starts after it (seconds). */
  transitionSec: number;
  speak: (
    text: string,
    voice: string,
    outFile: string,
    signal: AbortSignal,
  ) => Promise<{ warning?: string } | void>;
  scratchDir: string;
  signal: AbortSignal;
  onLine?: (done: number, total: number) => void;
}

/** Level below which a sample counts as silence when trimming TTS output (about −46 dBFS). */
const SILENCE = 0.005;

/** The audible part of a clip: TTS engines pad speech with silence, which would skew cue times. */
export function trimSilence(samples: Float32Array): Float32Array {
  let start = 0;
  let end = samples.length;
  while (start < end && Math.abs(samples[start]!) < SILENCE) start++;
  while (end > start && Math.abs(samples[end - 1]!) < SILENCE) end--;
  return samples.subarray(start, end);
}

/**
 * Speaks a scene's lines one after another (LEAD_SEC after the transition, LINE_GAP_SEC between
 * lines), each trimmed to its audible part so cue times are when the words are heard.
 *
 * @returns the clips at 48 kHz, their timings, and where the last one ends (seconds)
 */
export async function speakScene(o: SpeakSceneOptions): Promise<{
  clips: Float32Array[];
  lines: TimedLine[];
  speechEndSec: number;
  /** What the speech engines warned about (a provider voice replaced), once each. */
  warnings: string[];
}> {
  const warnings = new Set<string>();
  const clips: Float32Array[] = [];
  const lines: TimedLine[] = [];
  let at = o.transitionSec + LEAD_SEC;
  const spoken = o.lines.filter((l) => l.text.trim());
  for (const [i, line] of spoken.entries()) {
    o.signal.throwIfAborted();
    const wav = join(o.scratchDir, `line-${i}.wav`);
    const said = await o.speak(line.text, line.voice, wav, o.signal);
    if (said?.warning) warnings.add(said.warning);
    const clip = trimSilence(await readPcm(wav, o.scratchDir, { sampleRate: AUDIO_RATE, signal: o.signal }));
    const sec = clip.length / AUDIO_RATE;
    clips.push(clip);
    lines.push({ ...line, startSec: at, endSec: at + sec });
    at += sec + LINE_GAP_SEC;
    o.onLine?.(i + 1, spoken.length);
  }
  return { clips, lines, speechEndSec: lines.at(-1)?.endSec ?? 0, warnings: [...warnings] };
}

/** Places clips at their line start times in a silent track of `durationSec`. */
export function sceneTrack(
  clips: readonly Float32Array[],
  lines: readonly TimedLine[],
  durationSec: number,
): Float32Array {
  const track = new Float32Array(Math.round(durationSec * AUDIO_RATE));
  clips.forEach((clip, i) => {
    const start = Math.round(lines[i]!.startSec * AUDIO_RATE);
    track.set(clip.subarray(0, Math.max(0, track.length - start)), start);
  });
  return track;
}
