import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Voices of Debian's festival and flite packages, by the ids the worker runtime uses. */
export const DEBIAN_VOICES = {
  'festival-kal': ['text2wave', (text: string, out: string) => ['-o', out, '-eval', '(voice_kal_diphone)', text]],
  'flite-slt': ['flite', (text: string, out: string) => ['-voice', 'slt', '-f', text, '-o', out]],
  'flite-rms': ['flite', (text: string, out: string) => ['-voice', 'rms', '-f', text, '-o', out]],
  'flite-awb': ['flite', (text: string, out: string) => ['-voice', 'awb', '-f', text, '-o', out]],
} as const;

/**
 * Speaks `text` with a festival or flite voice into a WAV file. The text goes through a file, so
 * no character can reach a shell (there is none: execFile). Aborting kills the engine.
 *
 * @throws Error naming the Debian package to install when the engine is missing
 */
export async function speakWithDebianVoice(
  text: string,
  voice: string,
  outFile: string,
  signal: AbortSignal,
): Promise<void> {
  const spec = DEBIAN_VOICES[voice as keyof typeof DEBIAN_VOICES];
  if (!spec) throw new RangeError(`Unknown voice "${voice}"; known: ${Object.keys(DEBIAN_VOICES).join(', ')}.`);
  const dir = await mkdtemp(join(tmpdir(), 'clapboard-say-'));
  try {
    const textFile = join(dir, 'line.txt');
    await writeFile(textFile, text.replace(/\s+/g, ' ').trim());
    const [bin, args] = spec;
    await new Promise<void>((resolve, reject) => {
      execFile(bin, args(textFile, outFile), { signal, timeout: 120_000 }, (err) => {
        if (!err) return resolve();
        if ((err as NodeJS.ErrnoException).code === 'ENOENT')
          return reject(new Error(`${bin} is not installed (apt-get install festival festvox-kallpc16k flite).`));
        reject(err);
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
