import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '@clapboard/server/media';
import { processTempDir } from '../jobs/scratch-root';

/** Mono float PCM in [-1, 1] at a known sample rate. */
export interface PcmAudio {
  samples: Float32Array;
  sampleRate: number;
}

/**
 * Decodes any audio (or the first audio stream of a video) to mono 32-bit float PCM through FFmpeg,
 * the form VAD and speech recognition take.
 *
 * @param sampleRate output rate in Hz; default 16000 (what Silero VAD and Whisper expect)
 * @throws FfmpegError when the file has no decodable audio
 */
export async function decodeAudio(
  file: string,
  options: { sampleRate?: number; signal?: AbortSignal } = {},
): Promise<PcmAudio> {
  const sampleRate = options.sampleRate ?? 16_000;
  const dir = await mkdtemp(join(processTempDir(), 'pcm-'));
  const out = join(dir, 'audio.f32');
  try {
    await runFfmpeg(['-y', '-i', file, '-vn', '-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', out], {
      signal: options.signal,
    });
    const buf = await readFile(out);
    // Copy into an aligned buffer: a Buffer's byteOffset need not be a multiple of 4.
    const samples = new Float32Array(buf.byteLength / 4);
    new Uint8Array(samples.buffer).set(buf);
    return { samples, sampleRate };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
