import type { Writable } from 'node:stream';
import { type FfmpegProgress, type H264Encoder, h264Args, runFfmpeg } from '@clapboard/server/media';

/** Frames in flight between the drawing and FFmpeg: one drawn while others are written. */
const RING = 3;

export interface EncodeFramesOptions {
  width: number;
  height: number;
  fps: number;
  frames: number;
  /**
   * Draws frame `index` into `frame` (planar YUV 4:2:0, `width` × `height`). The buffer is one of
   * a few reused in turn: it holds what was drawn into it RING frames ago, so a drawer that only
   * changes part of the picture repaints just that part (`slot` says which buffer it is).
   */
  draw: (index: number, frame: Uint8Array, slot: number) => void | Promise<void>;
  out: string;
  encoder: H264Encoder;
  quality: { preset: string; crf: number };
  /** Extra video filters after the input (e.g. burned-in subtitles). */
  filters?: string[];
  signal?: AbortSignal;
  onProgress?: (p: FfmpegProgress) => void;
}

/**
 * Encodes frames drawn in this process as H.264 (no audio, `+faststart`): raw YUV 4:2:0 piped to
 * FFmpeg's stdin, so nothing is written to disk per frame and no colour conversion runs in FFmpeg.
 * Writing respects the pipe's back-pressure; a buffer is drawn again only once FFmpeg has read it.
 *
 * @throws FfmpegError when FFmpeg fails; FfmpegAbortedError when aborted; the drawer's error
 */
export async function encodeFrames(o: EncodeFramesOptions): Promise<void> {
  const size = (o.width * o.height * 3) / 2;
  const ring = Array.from({ length: RING }, () => new Uint8Array(size));
  const written: Array<Promise<void>> = ring.map(() => Promise.resolve());
  const feed = async (input: Writable) => {
    for (let i = 0; i < o.frames; i++) {
      o.signal?.throwIfAborted();
      const slot = i % RING;
      await written[slot];
      const frame = ring[slot]!;
      await o.draw(i, frame, slot);
      const done = new Promise<void>((resolve, reject) => {
        input.write(frame, (err) => (err ? reject(err) : resolve()));
      });
      // A failed write surfaces through FFmpeg's exit; the slot just must not wait forever.
      written[slot] = done.catch(() => {});
      if (input.writableNeedDrain) await Promise.race([new Promise((r) => input.once('drain', r)), done]);
    }
    input.end();
  };
  await runFfmpeg(
    [
      '-y',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      '-s',
      `${o.width}x${o.height}`,
      '-r',
      String(o.fps),
      '-i',
      'pipe:0',
      ...(o.filters?.length ? ['-vf', o.filters.join(',')] : []),
      ...h264Args(o.encoder, o.quality),
      '-an',
      '-movflags',
      '+faststart',
      o.out,
    ],
    { stdin: feed, durationSec: o.frames / o.fps, signal: o.signal, onProgress: o.onProgress },
  );
}
