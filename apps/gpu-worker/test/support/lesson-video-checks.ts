import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { ffprobe } from '@clapboard/server/media';
import { faceRig } from '../../src/pipelines/portrait-lesson/face-rig';
import { rmsPerFrame } from '../../src/pipelines/portrait-lesson/mouth-track';
import { sharedFaceDetector } from '../../src/vision/shared-face-detector';

const run = promisify(execFile);

/** Raw bytes FFmpeg writes to stdout for `args`. */
async function ffmpegOut(args: string[]): Promise<Buffer> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', ...args, '-'], {
    encoding: 'buffer',
    maxBuffer: 512 * 1024 * 1024,
  });
  return stdout;
}

/** Pearson correlation of two equally long series. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/**
 * Measures a rendered lesson from its file alone: finds the face in the first frame (the lead-in,
 * mouth closed) with the face model, then per frame the mean absolute difference of the mouth
 * region (grey) from that frame, against the RMS of the video's own audio over the same frame;
 * and the face's box in `samples` frames spread over the video.
 */
export async function mouthEnvelopeCorrelation(
  video: string,
  scratch: string,
  samples = 4,
): Promise<{
  correlation: number;
  faces: Array<{ x: number; y: number; width: number; height: number }>;
  sampled: number;
}> {
  mkdirSync(scratch, { recursive: true });
  const probe = await ffprobe(video);
  const v = probe.streams.find((s) => s.codecType === 'video')!;
  const fps = v.fps!;
  const detector = await sharedFaceDetector();
  const firstFrame = await ffmpegOut(['-i', video, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png']);
  const [face] = await detector.detect(firstFrame);
  if (!face) throw new Error('no face in the first frame');
  const rig = faceRig(face);
  const m = rig.mouth;
  const mw = m.right.x - m.left.x;
  const box = {
    x: Math.max(0, Math.round(m.left.x - mw * 0.3)),
    y: Math.max(0, Math.round(m.upperLip.y - mw * 0.1)),
    w: Math.round(mw * 1.6) & ~1,
    h: Math.round(Math.max(rig.chin.y - m.upperLip.y, mw * 0.8)) & ~1,
  };
  const gray = await ffmpegOut([
    '-i',
    video,
    '-vf',
    `crop=${box.w}:${box.h}:${box.x}:${box.y},format=gray`,
    '-f',
    'rawvideo',
  ]);
  const size = box.w * box.h;
  const frames = Math.floor(gray.length / size);
  const diff = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = 0; i < size; i++) sum += Math.abs(gray[f * size + i]! - gray[i]!);
    diff[f] = sum / size;
  }
  const pcm = await ffmpegOut(['-i', video, '-vn', '-ac', '1', '-ar', '16000', '-f', 'f32le']);
  const audio = new Float32Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + (pcm.byteLength & ~3)));
  const rms = rmsPerFrame(audio, 16_000, fps, frames);
  const faces: Array<{ x: number; y: number; width: number; height: number }> = [];
  const duration = probe.durationSec ?? frames / fps;
  for (let i = 0; i < samples; i++) {
    const t = (duration * (i + 0.5)) / samples;
    const png = await ffmpegOut([
      '-ss',
      t.toFixed(2),
      '-i',
      video,
      '-frames:v',
      '1',
      '-f',
      'image2pipe',
      '-c:v',
      'png',
    ]);
    const found = await detector.detect(png);
    if (found[0]) faces.push(found[0].box);
  }
  return { correlation: pearson(diff, rms), faces, sampled: samples };
}
