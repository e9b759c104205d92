import { join } from 'node:path';
import { type FfmpegProgress, type H264Encoder, h264Args, runFfmpeg } from '@clapboard/server/media';
import type { CameraMove } from '@clapboard/shared/document';
import sharp from 'sharp';

/** How far a pan or tilt travels and a zoom pushes in: the frame is upscaled by this much. */
export const CAMERA_TRAVEL = 0.15;

/** One picture a shot process encodes: its frame, camera move, text and logo, and where it goes. */
export interface ShotOutput {
  /** The storyboard frame (PNG), at the output size. */
  frame: string;
  out: string;
  width: number;
  height: number;
  /** Exact length (seconds; whole frames at the shot's fps). */
  durationSec: number;
  camera: CameraMove;
  /**
   * Where the shot is cut into parts for the transitions (seconds): keyframes are forced there and
   * the encoder writes one file per part, `out` being a pattern with `%d` (0, 1, …). Empty: one file.
   */
  splitAt: number[];
  /** An SRT file with the shot's own cues (shot-relative times) to burn in, in the house style. */
  burnSubtitles?: string;
  /** An ASS document to burn in instead (a brand kit's captions, lower third or card line). */
  ass?: { file: string; fontsDir?: string };
  /** A logo (PNG with alpha, at its drawn size) stamped at `x`, `y` over everything else. */
  logo?: { file: string; x: number; y: number };
}

export interface RenderShotOptions extends ShotOutput {
  fps: number;
  encoder: H264Encoder;
  /** x264 preset and quality; the assembly copies these streams, so they are the final settings. */
  quality: { preset: string; crf: number };
  scratchDir: string;
  signal?: AbortSignal;
  onProgress?: (p: FfmpegProgress) => void;
}

/** Several pictures of one shot (a scene's platform variants) encoded by one FFmpeg process. */
export interface RenderShotsOptions extends Omit<RenderShotOptions, keyof ShotOutput> {
  outputs: ShotOutput[];
}

/**
 * The filter that moves the camera over a still: pans and tilts crop a moving window out of a
 * frame upscaled by CAMERA_TRAVEL (eased in and out, in 4:4:4 so the window moves by single pixels
 * without chroma rounding); zooms rescale the whole frame every frame and crop its centre, which
 * is smoother than zoompan's integer crop and half its cost.
 */
export function cameraFilter(camera: CameraMove, width: number, height: number, durationSec: number): string {
  const ease = `(0.5-0.5*cos(PI*min(t/${durationSec.toFixed(4)},1)))`;
  switch (camera) {
    case 'static':
      return 'null';
    case 'pan-right':
      return `crop=${width}:${height}:x='(iw-ow)*${ease}':y='(ih-oh)/2'`;
    case 'pan-left':
      return `crop=${width}:${height}:x='(iw-ow)*(1-${ease})':y='(ih-oh)/2'`;
    case 'tilt-down':
      return `crop=${width}:${height}:x='(iw-ow)/2':y='(ih-oh)*${ease}'`;
    case 'tilt-up':
      return `crop=${width}:${height}:x='(iw-ow)/2':y='(ih-oh)*(1-${ease})'`;
    case 'zoom-in':
    case 'zoom-out': {
      const z =
        camera === 'zoom-in'
          ? `(1+${CAMERA_TRAVEL}*${ease})`
          : `(${1 + CAMERA_TRAVEL}-${CAMERA_TRAVEL}*${ease})`;
      return `scale=w='trunc(${width}*${z}/2)*2':h=-2:eval=frame:flags=bicubic,crop=${width}:${height}`;
    }
  }
}

/**
 * The libass style for burned-in lines at a frame size. libass lays SRT out on a 288-line canvas
 * scaled to the frame's height, so sizes given in canvas lines would grow with a portrait frame's
 * height; these are scaled by the short side instead, as the composed frame's caption is: text
 * about 1/18 of the short side high, sitting 0.23 short sides above the bottom, which clears the
 * caption strip (at most two lines) at every aspect ratio.
 */
export function burnedSubtitleStyle(width: number, height: number): string {
  const k = Math.min(width, height) / height;
  const units = (n: number) => Number((n * k).toFixed(2));
  return `FontName=DejaVu Sans,FontSize=${units(16)},Outline=${units(2)},MarginV=${units(66)}`;
}

/** Escapes a path for use inside a filtergraph option value. */
const filterPath = (p: string) => p.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/'/g, "\\'");

/**
 * Animates a storyboard frame into a shot of exactly `durationSec` (whole frames) with the scene's
 * camera move, encoded with the final H.264 settings, in parts split where transitions will join it.
 * Aborting `signal` kills FFmpeg.
 *
 * @throws FfmpegError when FFmpeg fails; FfmpegAbortedError when aborted
 */
export async function renderShot(o: RenderShotOptions): Promise<void> {
  const { fps, encoder, quality, scratchDir, signal, onProgress, ...output } = o;
  await renderShots({ fps, encoder, quality, scratchDir, signal, onProgress, outputs: [output] });
}

/**
 * Encodes several shots in one FFmpeg process (one per platform variant of a scene: each its own
 * frame, size, length, text and logo), so the process, its start-up and the encoders' set-up are
 * paid once per scene rather than once per aspect. Each output is what `renderShot` makes of it.
 *
 * @throws FfmpegError when FFmpeg fails; FfmpegAbortedError when aborted
 */
export async function renderShots(o: RenderShotsOptions): Promise<void> {
  const inputs: string[] = [];
  const graph: string[] = [];
  const outputArgs: string[] = [];
  const input = (file: string) => {
    inputs.push('-i', file);
    return inputs.length / 2 - 1;
  };
  for (const [k, out] of o.outputs.entries()) {
    let frame = out.frame;
    if (out.camera !== 'static' && !out.camera.startsWith('zoom')) {
      // Upscale once here, not per frame in FFmpeg.
      const factor = 1 + CAMERA_TRAVEL;
      const even = (n: number) => Math.round(n / 2) * 2;
      frame = join(o.scratchDir, `camera-input-${k}.png`);
      await sharp(out.frame)
        .resize(even(out.width * factor), even(out.height * factor), { kernel: 'lanczos3' })
        .png({ compressionLevel: 1 })
        .toFile(frame);
    }
    const frames = Math.max(1, Math.round(out.durationSec * o.fps));
    // The loop filter decodes the still once; `-loop 1` would decode the PNG again for every frame.
    // Convert colours once, before the loop: per-frame RGB→YUV conversion cost more than the encode.
    // Moves work in 4:4:4 so crops can start on odd pixels; static shots go straight to 4:2:0.
    const filters = [
      out.camera === 'static' ? 'format=yuv420p' : 'format=yuv444p',
      `loop=loop=${frames - 1}:size=1:start=0`,
      `setpts=N/${o.fps}/TB`,
      cameraFilter(out.camera, out.width, out.height, out.durationSec),
    ];
    if (out.ass)
      filters.push(
        `ass=filename='${filterPath(out.ass.file)}'${out.ass.fontsDir ? `:fontsdir='${filterPath(out.ass.fontsDir)}'` : ''}`,
      );
    else if (out.burnSubtitles)
      filters.push(
        `subtitles=filename='${filterPath(out.burnSubtitles)}':force_style='${burnedSubtitleStyle(out.width, out.height)}'`,
      );
    const source = input(frame);
    if (out.logo) {
      const logo = input(out.logo.file);
      graph.push(
        `[${source}:v]${filters.join(',')}[pic${k}]`,
        `[pic${k}][${logo}:v]overlay=x=${out.logo.x}:y=${out.logo.y}:format=auto,format=yuv420p[v${k}]`,
      );
    } else graph.push(`[${source}:v]${filters.join(',')},format=yuv420p[v${k}]`);
    const keyframes = out.splitAt.filter((t) => t > 0 && t < out.durationSec).map((t) => t.toFixed(4));
    // Splitting while encoding, not after: a separate stream-copy pass per shot cost the assembly
    // a process per shot on every render, re-renders included.
    outputArgs.push(
      '-map',
      `[v${k}]`,
      '-frames:v',
      String(frames),
      '-r',
      String(o.fps),
      ...h264Args(o.encoder, o.quality),
      ...(keyframes.length ? ['-force_key_frames', keyframes.join(',')] : []),
      '-an',
      ...(keyframes.length
        ? [
            '-f',
            'segment',
            '-segment_times',
            keyframes.join(','),
            '-reset_timestamps',
            '1',
            '-segment_format_options',
            'movflags=+faststart',
            out.out,
          ]
        : ['-movflags', '+faststart', out.out]),
    );
  }
  const longest = Math.max(...o.outputs.map((x) => Math.max(1, Math.round(x.durationSec * o.fps)) / o.fps));
  await runFfmpeg(['-y', ...inputs, '-filter_complex', graph.join(';'), ...outputArgs], {
    durationSec: longest,
    signal: o.signal,
    onProgress: o.onProgress,
  });
}
