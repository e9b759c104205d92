import { randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '@clapboard/server/media';

/** Samples per AAC frame (AAC-LC). */
export const AAC_FRAME = 1024;

/**
 * Splits an ADTS stream into its frames (each self-delimiting: a 7- or 9-byte header carrying the
 * frame's length).
 * @throws Error when the bytes are not a whole ADTS stream
 */
export function splitAdtsFrames(buf: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let at = 0;
  while (at < buf.length) {
    if (at + 7 > buf.length || buf[at] !== 0xff || (buf[at + 1]! & 0xf0) !== 0xf0)
      throw new Error(`Not an ADTS frame at byte ${at}.`);
    const length = ((buf[at + 3]! & 0x03) << 11) | (buf[at + 4]! << 3) | (buf[at + 5]! >> 5);
    if (length < 7 || at + length > buf.length) throw new Error(`Truncated ADTS frame at byte ${at}.`);
    frames.push(buf.subarray(at, at + length));
    at += length;
  }
  return frames;
}

export interface EncodeAacSpanOptions {
  /** Mono float PCM: `preSamples` of pre-roll, the span itself, then post-roll to the end. */
  pcm: Float32Array;
  sampleRate: number;
  /** Pre-roll length; a multiple of AAC_FRAME. */
  preSamples: number;
  /** The span's length; a multiple of AAC_FRAME. */
  spanSamples: number;
  /** Encoder arguments (`-c:a aac …`) and any `-af` that makes the channel layout. */
  args: readonly string[];
  scratchDir: string;
  signal?: AbortSignal;
}

/**
 * Encodes a span of audio as exactly `spanSamples / AAC_FRAME` ADTS frames that can be spliced
 * between the frames of neighbouring spans. FFmpeg's AAC encoder emits one priming frame, so
 * frame `j` of its output decodes to input samples [(j − 1)·1024, j·1024); and decoding a frame
 * overlaps it with the previous one (the MDCT's 50 % overlap), so each span is encoded with the
 * audio around it (pre- and post-roll) and the frames that cover only the span are kept. Where two
 * spans meet, both encoders saw the same signal, so the overlap-add cancels as it would inside one
 * encode (up to quantization noise).
 *
 * @returns the span's frames, in order
 * @throws FfmpegError when FFmpeg fails; Error when it returns fewer frames than the span needs
 */
export async function encodeAacSpan(o: EncodeAacSpanOptions): Promise<Buffer[]> {
  if (o.preSamples % AAC_FRAME || o.spanSamples % AAC_FRAME)
    throw new Error('AAC spans and their pre-roll must be whole frames.');
  const id = randomUUID();
  const raw = join(o.scratchDir, `span-${id}.f32`);
  const adts = join(o.scratchDir, `span-${id}.aac`);
  try {
    await writeFile(raw, new Uint8Array(o.pcm.buffer, o.pcm.byteOffset, o.pcm.byteLength));
    await runFfmpeg(
      [
        '-y',
        '-f',
        'f32le',
        '-ar',
        String(o.sampleRate),
        '-ch_layout',
        'mono',
        '-i',
        raw,
        ...o.args,
        '-f',
        'adts',
        adts,
      ],
      { signal: o.signal },
    );
    const frames = splitAdtsFrames(await readFile(adts));
    const first = o.preSamples / AAC_FRAME + 1;
    const count = o.spanSamples / AAC_FRAME;
    if (frames.length < first + count)
      throw new Error(`The AAC encoder returned ${frames.length} frames; the span needs ${first + count}.`);
    return frames.slice(first, first + count);
  } finally {
    await Promise.all([rm(raw, { force: true }), rm(adts, { force: true })]);
  }
}
