import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { spawnTied } from '@clapboard/server/spawn-tied';
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

/** Runs a command, collecting stdout (capped at 64 MiB) and stderr; rejects on non-zero exit or timeout. */
function run(cmd: string, args: string[], timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawnTied(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      outBytes += d.length;
      if (outBytes > 64 * 1024 * 1024) child.kill('SIGKILL');
      else out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 4000) err += d.toString();
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`${cmd} exited ${code ?? signal}: ${err.trim().slice(0, 500)}`));
    });
  });
}

/**
 * ffprobe/ffmpeg missing or not executable is our fault, not the file's: it must surface as a 500
 * (and a log line), never as "your file is damaged". Spawn failures carry an errno code; a tool
 * that ran and refused the file does not.
 */
function isSpawnFailure(err: unknown): boolean {
  return typeof (err as NodeJS.ErrnoException)?.code === 'string';
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  sample_rate?: string;
  channels?: number;
  duration?: string;
}
interface FfprobeOutput {
  format?: { format_name?: string; duration?: string; bit_rate?: string };
  streams?: FfprobeStream[];
}

/**
 * The real probe: images through sharp (pixel limit enforced before decoding, full decode to make
 * the thumbnail, so truncated files fail), audio and video through ffprobe, video thumbnails by an
 * ffmpeg frame grab resized with sharp. The stored file is spooled to a private temp folder because
 * MP4/MOV keep their index at the end and cannot be probed from a pipe; the folder is always removed.
 */
export function createNodeMediaProbe(options: NodeMediaProbeOptions = {}): MediaProbe {
  const ffprobe = options.ffprobePath ?? 'ffprobe';
  const ffmpeg = options.ffmpegPath ?? 'ffmpeg';
  const timeoutMs = options.timeoutMs ?? 30_000;
  const size = options.thumbnailSize ?? 320;

  const thumbnailOf = (input: Buffer | string, maxPixels: number) =>
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
    let parsed: FfprobeOutput;
    try {
      const out = await run(
        ffprobe,
        ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
        timeoutMs,
      );
      parsed = JSON.parse(out.toString()) as FfprobeOutput;
    } catch (err) {
      if (isSpawnFailure(err)) throw err;
      throw new ProbeError('unreadable', 'The media file is damaged, truncated or not what it claims to be.');
    }
    const streams = parsed.streams ?? [];
    // Cover art in audio files shows up as a one-frame "video" stream; it does not make a video.
    const video = streams.find(
      (s) => s.codec_type === 'video' && s.codec_name !== 'mjpeg' && s.codec_name !== 'png',
    );
    const audio = streams.find((s) => s.codec_type === 'audio');
    if (!video && !audio) throw new ProbeError('no_streams', 'The file has no audio or video stream.');
    const durationSec = Number(parsed.format?.duration ?? video?.duration ?? audio?.duration);
    const kind = video ? 'video' : 'audio';
    if (input.kind === 'audio' && kind === 'video')
      throw new ProbeError('unreadable', 'The audio file contains video; upload it as a video file.');
    if (video && (video.width ?? 0) * (video.height ?? 0) > input.maxImagePixels)
      throw new ProbeError('pixel_limit', `The video frame is larger than ${input.maxImagePixels} pixels.`);
    let thumbnail: Buffer | null = null;
    if (video) {
      const at = Number.isFinite(durationSec) ? Math.min(1, durationSec / 2) : 0;
      try {
        const frame = await run(
          ffmpeg,
          [
            '-v',
            'error',
            '-ss',
            String(at),
            '-i',
            file,
            '-frames:v',
            '1',
            '-f',
            'image2',
            '-c:v',
            'png',
            'pipe:1',
          ],
          timeoutMs,
        );
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
        format: parsed.format?.format_name,
        bitRate: parsed.format?.bit_rate ? Number(parsed.format.bit_rate) : undefined,
        streams: streams.map((s) => ({
          type: s.codec_type,
          codec: s.codec_name,
          width: s.width,
          height: s.height,
          frameRate: s.r_frame_rate,
          sampleRate: s.sample_rate ? Number(s.sample_rate) : undefined,
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
