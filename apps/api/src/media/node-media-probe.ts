import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { FfmpegError, ffprobe, type ProbeResult as ProbedFile, runFfmpeg } from '@clapboard/server/media';
import sharp, { type Metadata } from 'sharp';
import { type MediaProbe, ProbeError, type ProbeInput, type ProbeResult } from './media-probe';

export interface NodeMediaProbeOptions {
  /** Default `ffprobe` (from PATH). */
  ffprobePath?: string;
  /** Default `ffmpeg` (from PATH). */
  ffmpegPath?: string;
  /** Where files are spooled while probed; default the OS temp dir. */
  tmpDir?: string;
  /** Wall clock per ffprobe/ffmpeg run (ms); default 30 000, then the process is killed. */
  timeoutMs?: number;
  /** Longest thumbnail edge (px); default 320. */
  thumbnailSize?: number;
}

/**
 * ffprobe/ffmpeg missing or not executable is our fault, not the file's: it must surface as a 500
 * (and a log line), never as "your file is damaged". Spawn failures carry an errno code; a tool
 * that ran and refused the file does not.
 */
function isSpawnFailure(err: unknown): boolean {
  return err instanceof FfmpegError && err.code !== undefined;
}

/**
 * The real probe: images through sharp (pixel limit enforced before decoding, full decode to make
 * the thumbnail, so truncated files fail), audio and video through ffprobe, video thumbnails by an
 * ffmpeg frame grab resized with sharp. The stored file is spooled to a private temp folder because
 * MP4/MOV keep their index at the end and cannot be probed from a pipe; the folder is always removed.
 */
export function createNodeMediaProbe(options: NodeMediaProbeOptions = {}): MediaProbe {
  const ffprobeBin = options.ffprobePath ?? 'ffprobe';
  const ffmpegBin = options.ffmpegPath ?? 'ffmpeg';
  const timeoutMs = options.timeoutMs ?? 30_000;
  const size = options.thumbnailSize ?? 320;

  const thumbnailOf = (input: string, maxPixels: number) =>
    sharp(input, { limitInputPixels: maxPixels, failOn: 'error' })
      .rotate()
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();

  async function probeImage(file: string, input: ProbeInput): Promise<ProbeResult> {
    let meta: Metadata;
    try {
      // metadata() reads the header only and already applies limitInputPixels.
      meta = await sharp(file, { limitInputPixels: input.maxImagePixels }).metadata();
    } catch (err) {
      if (/pixel limit/i.test((err as Error).message))
        throw new ProbeError('pixel_limit', `The image is larger than ${input.maxImagePixels} pixels.`);
      throw new ProbeError('unreadable', 'The image could not be read.');
    }
    const width = meta.autoOrient?.width ?? meta.width ?? null;
    const height = meta.autoOrient?.height ?? meta.height ?? null;
    if (!width || !height) throw new ProbeError('unreadable', 'The image has no dimensions.');
    if (width * height > input.maxImagePixels)
      throw new ProbeError('pixel_limit', `The image is larger than ${input.maxImagePixels} pixels.`);
    let thumbnail: Buffer;
    try {
      thumbnail = await thumbnailOf(file, input.maxImagePixels);
    } catch {
      throw new ProbeError('unreadable', 'The image is damaged or truncated.');
    }
    return {
      kind: 'image',
      width,
      height,
      durationSec: null,
      details: { format: meta.format, pages: meta.pages ?? 1, hasAlpha: meta.hasAlpha ?? false },
      thumbnail,
    };
  }

  async function probeAv(file: string, input: ProbeInput): Promise<ProbeResult> {
    let probed: ProbedFile;
    try {
      probed = await ffprobe(file, { bin: ffprobeBin, timeoutMs });
    } catch (err) {
      if (isSpawnFailure(err)) throw err;
      throw new ProbeError('unreadable', 'The media file is damaged, truncated or not what it claims to be.');
    }
    const streams = probed.streams;
    // Cover art in audio files shows up as a one-frame "video" stream; it does not make a video.
    const video = streams.find(
      (s) => s.codecType === 'video' && s.codecName !== 'mjpeg' && s.codecName !== 'png',
    );
    const audio = streams.find((s) => s.codecType === 'audio');
    if (!video && !audio) throw new ProbeError('no_streams', 'The file has no audio or video stream.');
    const durationSec = probed.durationSec ?? video?.durationSec ?? audio?.durationSec ?? Number.NaN;
    const kind = video ? 'video' : 'audio';
    if (input.kind === 'audio' && kind === 'video')
      throw new ProbeError('unreadable', 'The audio file contains video; upload it as a video file.');
    if (video && (video.width ?? 0) * (video.height ?? 0) > input.maxImagePixels)
      throw new ProbeError('pixel_limit', `The video frame is larger than ${input.maxImagePixels} pixels.`);
    let thumbnail: Buffer | null = null;
    if (video) {
      const at = Number.isFinite(durationSec) ? Math.min(1, durationSec / 2) : 0;
      const frame = join(dirname(file), 'frame.png');
      try {
        await runFfmpeg(['-v', 'error', '-ss', String(at), '-i', file, '-frames:v', '1', '-y', frame], {
          bin: ffmpegBin,
          timeoutMs,
        });
        thumbnail = await thumbnailOf(frame, input.maxImagePixels);
      } catch (err) {
        if (isSpawnFailure(err)) throw err;
        throw new ProbeError('unreadable', 'No frame could be decoded from the video.');
      }
    }
    return {
      kind,
      width: video?.width ?? null,
      height: video?.height ?? null,
      durationSec: Number.isFinite(durationSec) ? durationSec : null,
      details: {
        format: probed.formatName,
        bitRate: probed.bitRate ?? undefined,
        streams: streams.map((s) => ({
          type: s.codecType,
          codec: s.codecName,
          width: s.width,
          height: s.height,
          frameRate: s.fps,
          sampleRate: s.sampleRate,
          channels: s.channels,
        })),
      },
      thumbnail,
    };
  }

  return {
    async probe(input) {
      if (input.kind === 'document')
        return {
          kind: 'document',
          width: null,
          height: null,
          durationSec: null,
          details: {},
          thumbnail: null,
        };
      const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'clapboard-probe-'));
      try {
        const file = join(dir, 'input');
        await (await input.open()).pipeTo(Writable.toWeb(createWriteStream(file)));
        return input.kind === 'image' ? await probeImage(file, input) : await probeAv(file, input);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
