import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProjectSettings } from '@clapboard/shared/document';
import { type H264Encoder, h264Args, runFfmpeg } from '../../media/ffmpeg';

export interface AssembleShot {
  file: string;
  /** Exact length (whole frames), as rendered. */
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

/** Runs `fn` over `items`, at most `limit` at once (short FFmpeg runs barely use a core each). */
async function inPool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

const XFADE: Record<ProjectSettings['transition'], string> = {
  cut: '',
  crossfade: 'fade',
  'fade-black': 'fadeblack',
};

/**
 * Joins shots into the finished video without re-encoding them: each shot was encoded with the
 * final settings and keyframes at its transition points, so the shot bodies are stream-copied and
 * only the transitions (the last and first `transitionSec` of neighbouring shots, xfaded) are
 * encoded. The soundtrack is copied in. Changing one scene therefore costs one shot, not the film.
 *
 * @throws FfmpegError when FFmpeg fails; FfmpegAbortedError when aborted
 */
export async function assembleVideo(o: AssembleVideoOptions): Promise<void> {
  const { shots, transitionSec: T } = o;
  // Each part with its exact length: the concat demuxer would otherwise take a part's container
  // duration, which counts the B-frame delay of parts that start a shot and leaves gaps.
  const parts: Array<{ file: string; durationSec: number }> = [];
  const n = shots.length;
  if (T <= 0 || n === 1) {
    parts.push(...shots.map((s) => ({ file: s.file, durationSec: s.durationSec })));
  } else {
    const heads: string[] = [];
    const tails: string[] = [];
    const bodies: string[] = [];
    let split = 0;
    await inPool(shots, 2, async (shot, i) => {
      const times = [...(i > 0 ? [T] : []), ...(i < n - 1 ? [shot.durationSec - T] : [])];
      const pattern = join(o.scratchDir, `shot-${i}-part-%d.mp4`);
      await runFfmpeg(
        [
          '-y',
          '-i',
          shot.file,
          '-map',
          '0:v',
          '-c',
          'copy',
          '-f',
          'segment',
          '-segment_times',
          times.map((t) => t.toFixed(4)).join(','),
          '-reset_timestamps',
          '1',
          pattern,
        ],
        { signal: o.signal },
      );
      const part = (k: number) => join(o.scratchDir, `shot-${i}-part-${k}.mp4`);
      let k = 0;
      if (i > 0) heads[i] = part(k++);
      bodies[i] = part(k++);
      if (i < n - 1) tails[i] = part(k++);
      o.onProgress?.((++split / n) * 0.3, 'splitting shots');
    });
    const frames = Math.round(T * o.fps);
    const clips: string[] = [];
    let encoded = 0;
    await inPool(shots.slice(0, -1), 2, async (_, i) => {
      const out = join(o.scratchDir, `transition-${i}.mp4`);
      if (await o.transitionCache?.get(i, out)) {
        clips[i] = out;
        o.onProgress?.(0.3 + (++encoded / (n - 1)) * 0.5, 'encoding transitions');
        return;
      }
      await runFfmpeg(
        [
          '-y',
          '-i',
          tails[i]!,
          '-i',
          heads[i + 1]!,
          '-filter_complex',
          `[0:v]settb=AVTB,setpts=PTS-STARTPTS[a];[1:v]settb=AVTB,setpts=PTS-STARTPTS[b];[a][b]xfade=transition=${XFADE[o.transition]}:duration=${T.toFixed(4)}:offset=0,format=yuv420p`,
          '-frames:v',
          String(frames),
          '-r',
          String(o.fps),
          ...h264Args(o.encoder, o.quality),
          out,
        ],
        { signal: o.signal },
      );
      await o.transitionCache?.put(i, out);
      clips[i] = out;
      o.onProgress?.(0.3 + (++encoded / (n - 1)) * 0.5, 'encoding transitions');
    });
    for (let i = 0; i < n; i++) {
      const shot = shots[i]!;
      parts.push({ file: bodies[i]!, durationSec: shot.durationSec - (i > 0 ? T : 0) - (i < n - 1 ? T : 0) });
      if (i < n - 1) parts.push({ file: clips[i]!, durationSec: T });
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
