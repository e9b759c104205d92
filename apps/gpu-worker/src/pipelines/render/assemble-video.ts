import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type H264Encoder, h264Args, runFfmpeg } from '@clapboard/server/media';
import type { ProjectSettings } from '@clapboard/shared/document';
import { inPool } from '../../jobs/in-pool';

/**
 * One shot as the shot step left it: with transitions, its head and tail (each exactly the
 * transition's length, starting on a keyframe) apart from its body; with cuts, the whole shot.
 */
export interface AssembleShot {
  /** The first `transitionSec`, blended into the previous shot's tail (absent with cuts). */
  head?: string;
  /** The part stream-copied into the film (the whole shot with cuts). */
  body: string;
  /** The last `transitionSec`, blended into the next shot's head (absent with cuts). */
  tail?: string;
  /** Exact length of the whole shot (whole frames), as rendered. */
  durationSec: number;
}

/** Transitions made by earlier renders, by join index (content-addressed by the caller). */
export interface TransitionCache {
  /** Copies the transition after shot `index` to `out` when one exists; false otherwise. */
  get(index: number, out: string): Promise<boolean>;
  /** Keeps a newly encoded transition for later renders. */
  put(index: number, file: string): Promise<void>;
}

export interface AssembleVideoOptions {
  /** Reuse of transitions whose two shots did not change; default none. */
  transitionCache?: TransitionCache;
  shots: AssembleShot[];
  transition: ProjectSettings['transition'];
  /** Transition length (seconds, whole frames); 0 for cuts. */
  transitionSec: number;
  fps: number;
  /** The finished soundtrack (AAC), as long as the video; or a promise of it (mixed meanwhile). */
  soundtrack: string | Promise<string>;
  out: string;
  encoder: H264Encoder;
  quality: { preset: string; crf: number };
  scratchDir: string;
  signal?: AbortSignal;
  /** 0–1 over the whole assembly. */
  onProgress?: (fraction: number, stage: string) => void;
}

const XFADE: Record<ProjectSettings['transition'], string> = {
  cut: '',
  crossfade: 'fade',
  'fade-black': 'fadeblack',
};

/**
 * Joins shots into the finished video without re-encoding them: each shot was encoded with the
 * final settings and already cut at its transition points, so the bodies are stream-copied and
 * only the transitions (a shot's tail xfaded into the next one's head) are encoded. The soundtrack
 * is copied in. Changing one scene therefore costs one shot and its two transitions, not the film.
 *
 * @throws FfmpegError when FFmpeg fails; FfmpegAbortedError when aborted
 */
export async function assembleVideo(o: AssembleVideoOptions): Promise<void> {
  const { shots, transitionSec: T } = o;
  // Each part with its exact length: the concat demuxer would otherwise take a part's container
  // duration, which counts the B-frame delay of parts that start a shot and leaves gaps.
  const parts: Array<{ file: string; durationSec: number }> = [];
  const n = shots.length;
  if (T <= 0) {
    parts.push(...shots.map((s) => ({ file: s.body, durationSec: s.durationSec })));
  } else {
    const uncut = shots.findIndex((s) => !s.head || !s.tail);
    if (uncut >= 0) throw new Error(`Shot ${uncut + 1} was not cut for ${T} s transitions.`);
    const frames = Math.round(T * o.fps);
    const clips = shots.slice(0, -1).map((_, i) => join(o.scratchDir, `transition-${i}.mp4`));
    const cached = await Promise.all(clips.map((out, i) => o.transitionCache?.get(i, out) ?? false));
    const missing = clips.map((_, i) => i).filter((i) => !cached[i]);
    let encoded = n - 1 - missing.length;
    o.onProgress?.((encoded / (n - 1)) * 0.8, 'encoding transitions');
    // One FFmpeg per half of the missing transitions, each writing several outputs: a process per
    // half-second clip spent more on start-up and encoder set-up than on encoding.
    const half = Math.ceil(missing.length / 2);
    const batches = [missing.slice(0, half), missing.slice(half)].filter((b) => b.length);
    await inPool(batches, 2, async (batch) => {
      const inputs = batch.flatMap((i) => ['-i', shots[i]!.tail!, '-i', shots[i + 1]!.head!]);
      const graph = batch
        .map(
          (_, k) =>
            `[${2 * k}:v]settb=AVTB,setpts=PTS-STARTPTS[a${k}];[${2 * k + 1}:v]settb=AVTB,setpts=PTS-STARTPTS[b${k}];` +
            `[a${k}][b${k}]xfade=transition=${XFADE[o.transition]}:duration=${T.toFixed(4)}:offset=0,format=yuv420p[t${k}]`,
        )
        .join(';');
      const outputs = batch.flatMap((i, k) => [
        '-map',
        `[t${k}]`,
        '-frames:v',
        String(frames),
        '-r',
        String(o.fps),
        ...h264Args(o.encoder, o.quality),
        clips[i]!,
      ]);
      await runFfmpeg(['-y', ...inputs, '-filter_complex', graph, ...outputs], { signal: o.signal });
      for (const i of batch) {
        await o.transitionCache?.put(i, clips[i]!);
        o.onProgress?.((++encoded / (n - 1)) * 0.8, 'encoding transitions');
      }
    });
    for (let i = 0; i < n; i++) {
      const shot = shots[i]!;
      if (i === 0) parts.push({ file: shot.head!, durationSec: T });
      parts.push({ file: shot.body, durationSec: shot.durationSec - 2 * T });
      parts.push(i < n - 1 ? { file: clips[i]!, durationSec: T } : { file: shot.tail!, durationSec: T });
    }
  }
  o.onProgress?.(0.8, 'joining');
  const list = join(o.scratchDir, 'parts.txt');
  await writeFile(
    list,
    parts
      .map((p) => `file '${p.file.replace(/'/g, "'\\''")}'\nduration ${p.durationSec.toFixed(6)}\n`)
      .join(''),
  );
  const total = shots.reduce((s, x) => s + x.durationSec, 0) - Math.max(0, n - 1) * Math.max(0, T);
  await runFfmpeg(
    [
      '-y',
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      list,
      '-i',
      await o.soundtrack,
      '-map',
      '0:v',
      '-map',
      '1:a',
      '-c',
      'copy',
      '-t',
      total.toFixed(4),
      '-movflags',
      '+faststart',
      o.out,
    ],
    {
      durationSec: total,
      signal: o.signal,
      onProgress: (p) => o.onProgress?.(0.8 + (p.fraction ?? 0) * 0.2, 'joining'),
    },
  );
}
