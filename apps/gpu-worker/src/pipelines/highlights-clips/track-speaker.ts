import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FfmpegAbortedError, runFfmpeg } from '@clapboard/server/media';
import type { Box } from '@clapboard/shared/highlights';
import type { FaceDetector } from '../../vision/detect-faces';
import { type FaceSample, slideBox } from './clip-geometry';

/** Width the sampled frames are detected at (faces of a 720p lecture's picture-in-picture stay found). */
const SAMPLE_WIDTH = 640;
/** Sampled frames per second of clip, and the most per clip. */
const SAMPLES_PER_SEC = 2;
const MAX_SAMPLES = 240;

/**
 * Samples frames of the clip (`SAMPLES_PER_SEC`, at most `MAX_SAMPLES`) and finds the speaker's
 * face on each: the detection nearest the previous one (the largest, confident one at first), so a
 * face on a slide or in the audience does not steal the crop. Boxes are in source pixels.
 *
 * @param onProgress fraction 0–1 of the frames examined
 */
export async function trackSpeaker(
  input: string,
  o: {
    startSec: number;
    durationSec: number;
    source: { width: number; height: number };
    /**
     * Where to look (source pixels), e.g. around the face boxes the layout analysis found: BlazeFace
     * sees a downscaled frame, so a picture-in-picture face is found only in a crop around it.
     * Default: the whole frame.
     */
    region?: Box;
    detector: FaceDetector;
    dir: string;
    signal?: AbortSignal;
    onProgress?: (fraction: number) => void;
  },
): Promise<FaceSample[]> {
  const fps = Math.min(SAMPLES_PER_SEC, MAX_SAMPLES / o.durationSec);
  const region = slideBox(o.region ?? null, o.source);
  const sampleWidth = 2 * Math.round(Math.min(SAMPLE_WIDTH, region.width) / 2);
  await runFfmpeg(
    [
      '-ss',
      o.startSec.toFixed(3),
      '-t',
      o.durationSec.toFixed(3),
      '-i',
      input,
      '-an',
      '-vf',
      `fps=${fps.toFixed(4)}:start_time=0,crop=${region.width}:${region.height}:${region.x}:${region.y},scale=${sampleWidth}:-2`,
      '-q:v',
      '3',
      join(o.dir, 'sample-%05d.jpg'),
    ],
    {
      signal: o.signal,
      durationSec: o.durationSec,
      onProgress: (p) => o.onProgress?.((p.fraction ?? 0) * 0.2),
    },
  );
  const files = (await readdir(o.dir)).filter((f) => f.startsWith('sample-')).sort();
  const scale = region.width / sampleWidth;
  const samples: FaceSample[] = [];
  let previous: Box | null = null;
  for (const [i, f] of files.entries()) {
    if (o.signal?.aborted) throw new FfmpegAbortedError();
    const faces = (await o.detector.detect(join(o.dir, f))).filter((d) => d.score >= 0.5);
    const boxes = faces.map((d) => ({
      x: region.x + d.box.x * scale,
      y: region.y + d.box.y * scale,
      width: d.box.width * scale,
      height: d.box.height * scale,
    }));
    const centre = (b: Box) => [b.x + b.width / 2, b.y + b.height / 2] as const;
    const prev: Box | null = previous;
    const pick: Box | undefined = prev
      ? boxes.sort((a, b) => dist(centre(a), centre(prev)) - dist(centre(b), centre(prev)))[0]
      : boxes.sort((a, b) => b.width * b.height - a.width * a.height)[0];
    if (pick) previous = pick;
    samples.push({ t: i / fps, box: pick ?? null });
    o.onProgress?.(0.2 + (0.8 * (i + 1)) / files.length);
  }
  return samples;
}

const dist = (a: readonly [number, number], b: readonly [number, number]) =>
  Math.hypot(a[0] - b[0], a[1] - b[1]);
