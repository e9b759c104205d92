import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg, runProgram } from '@clapboard/server/media';
import { processTempDir } from '../jobs/scratch-root';
import { DEFAULT_SPEECH_PROGRAMS, SPEECH_INSTALL_HINTS } from './speech-programs';

/** A recognised word and when it was said, in seconds. */
export interface RecognizedWord {
  word: string;
  startSec: number;
  endSec: number;
  /** Posterior probability 0–1 from the decoder. */
  confidence: number;
}

export interface Transcript {
  text: string;
  words: RecognizedWord[];
}

const FILLERS = new Set(['<s>', '</s>', '<sil>', '[speech]', '[noise]', '[breath]', '[cough]', '[laugh]']);

/** Parses `pocketsphinx_continuous -time yes` output: hypotheses and `word start end conf` lines. */
export function parsePocketsphinxTimes(stdout: string): RecognizedWord[] {
  const words: RecognizedWord[] = [];
  for (const line of stdout.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 4) continue;
    const [raw, s, e, c] = parts as [string, string, string, string];
    const [start, end, conf] = [Number(s), Number(e), Number(c)];
    if (![start, end, conf].every(Number.isFinite)) continue;
    if (FILLERS.has(raw.toLowerCase())) continue;
    // "read(2)" marks an alternate pronunciation of the same word.
    words.push({ word: raw.replace(/\(\d+\)$/, ''), startSec: start, endSec: end, confidence: conf });
  }
  return words;
}

/**
 * English speech recognition with word timings: CMU PocketSphinx (Debian `pocketsphinx` +
 * `pocketsphinx-en-us`, BSD-2-Clause) on audio FFmpeg converts to 16 kHz mono 16-bit WAV.
 *
 * @param options.program the pocketsphinx_continuous program (default: on PATH)
 * @throws ProgramError when pocketsphinx is missing; FfmpegError when the file has no audio
 */
export async function recognizeSpeech(
  file: string,
  options: { signal?: AbortSignal; program?: string } = {},
): Promise<Transcript> {
  const dir = await mkdtemp(join(processTempDir(), 'asr-'));
  try {
    const wav = join(dir, 'in.wav');
    await runFfmpeg(['-y', '-i', file, '-vn', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', wav], {
      signal: options.signal,
    });
    const out = await runProgram(
      options.program ?? DEFAULT_SPEECH_PROGRAMS.pocketsphinx,
      ['-infile', wav, '-time', 'yes', '-logfn', '/dev/null'],
      {
        signal: options.signal,
        // It decodes at roughly 0.2–0.5× real time on one busy core: a lecture's two-minute chunk
        // can take minutes. Cancelling goes through `signal`.
        timeoutMs: 30 * 60_000,
        installHint: `Install it with "${SPEECH_INSTALL_HINTS.pocketsphinx}".`,
      },
    );
    const words = parsePocketsphinxTimes(out);
    return { text: words.map((w) => w.word).join(' '), words };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
