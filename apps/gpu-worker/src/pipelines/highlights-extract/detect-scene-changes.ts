import { runFfmpeg } from '@clapboard/server/media';

export interface SceneChangeOptions {
  /**
   * FFmpeg's scene score (0–1) from which a frame counts as a change; default 0.06, low enough for
   * a slide that changes only its text (about 0.1 at 160 px); spans that turn out alike are merged.
   */
  threshold?: number;
  /** Frames per second the score is computed on; default 4 (slides change by cuts, not motion). */
  fps?: number;
  durationSec?: number;
  signal?: AbortSignal;
  /** Share of the video read, 0–1. */
  onProgress?: (fraction: number) => void;
}

/**
 * Times (seconds) where the picture changes: FFmpeg's `select='gt(scene,T)'` on a small grey copy
 * at a few frames per second, read back from `showinfo`. One decode pass of the video, no audio.
 *
 * @throws FfmpegError when the file has no readable video
 */
export async function detectSceneChanges(file: string, options: SceneChangeOptions = {}): Promise<number[]> {
  const threshold = options.threshold ?? 0.06;
  const fps = options.fps ?? 4;
  const times: number[] = [];
  let pending = '';
  await runFfmpeg(
    [
      '-threads',
      '0',
      '-i',
      file,
      '-an',
      '-sn',
      '-vf',
      `fps=${fps},scale=160:-2:flags=fast_bilinear,format=gray,select='gt(scene\\,${threshold})',showinfo`,
      '-f',
      'null',
      '-',
    ],
    {
      signal: options.signal,
      durationSec: options.durationSec,
      onProgress: (p) => p.fraction !== null && options.onProgress?.(p.fraction),
      onStderr: (chunk) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          const m = /Parsed_showinfo.*\spts_time:\s*([\d.]+)/.exec(line);
          if (m) times.push(Number(m[1]));
        }
      },
    },
  );
  return times.filter(Number.isFinite).sort((a, b) => a - b);
}
