import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '@clapboard/server/media';

/**
 * Reads a 16-bit PCM mono WAV at `sampleRate` (what the render writes) without spawning FFmpeg;
 * null for anything else, so callers fall back to `readPcm`.
 */
export function decodeWav16(buf: Buffer, sampleRate: number): Float32Array | null {
  if (buf.length < 44 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    return null;
  let at = 12;
  let format: { channels: number; rate: number; bits: number; pcm: boolean } | null = null;
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (id === 'fmt ')
      format = {
        pcm: buf.readUInt16LE(at + 8) === 1,
        channels: buf.readUInt16LE(at + 10),
        rate: buf.readUInt32LE(at + 12),
        bits: buf.readUInt16LE(at + 22),
      };
    if (id === 'data') {
      if (!format?.pcm || format.channels !== 1 || format.bits !== 16 || format.rate !== sampleRate)
        return null;
      const n = Math.floor(Math.min(size, buf.length - at - 8) / 2);
      const pcm = new Int16Array(n);
      new Uint8Array(pcm.buffer).set(buf.subarray(at + 8, at + 8 + n * 2));
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = pcm[i]! / 32768;
      return out;
    }
    at += 8 + size + (size % 2);
  }
  return null;
}

/**
 * Decodes any audio file to mono float PCM at `sampleRate` through the FFmpeg wrapper.
 * @throws FfmpegError when the file has no decodable audio
 */
export async function readPcm(
  file: string,
  scratchDir: string,
  options: { sampleRate: number; signal?: AbortSignal },
): Promise<Float32Array> {
  const wav = decodeWav16(await readFile(file), options.sampleRate);
  if (wav) return wav;
  const out = join(scratchDir, `pcm-${Math.random().toString(36).slice(2)}.f32`);
  await runFfmpeg(
    ['-y', '-i', file, '-vn', '-ac', '1', '-ar', String(options.sampleRate), '-f', 'f32le', out],
    {
      signal: options.signal,
    },
  );
  const buf = await readFile(out);
  // Copy into an aligned buffer: a Buffer's byteOffset need not be a multiple of 4.
  const samples = new Float32Array(buf.byteLength / 4);
  new Uint8Array(samples.buffer).set(buf);
  return samples;
}
