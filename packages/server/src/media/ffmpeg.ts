import type { Writable } from 'node:stream';
import { spawnTied } from '@clapboard/server/spawn-tied';

/** Progress parsed from `-progress pipe:1`. */
export interface FfmpegProgress {
  /** Seconds of output written so far. */
  outTimeSec: number;
  /** 0–1 when the expected output duration is known, else null. */
  fraction: number | null;
  /** Encoding speed relative to real time (e.g. 2.5 = 2.5× real time), when reported. */
  speed: number | null;
  frame: number | null;
}

export interface RunFfmpegOptions {
  /** Expected output duration in seconds, to turn out_time into a fraction. */
  durationSec?: number;
  /** Called at most every ~100 ms with progress. */
  onProgress?: (p: FfmpegProgress) => void;
  /** Aborting kills the whole process group (SIGKILL) and rejects with FfmpegAbortedError. */
  signal?: AbortSignal;
  /** Binary; default `ffmpeg` on PATH. */
  bin?: string;
  /** Kill after this many ms (rejects with FfmpegError); default none. */
  timeoutMs?: number;
  /** Receives stderr as it arrives (filters such as loudnorm and ebur128 print results there). */
  onStderr?: (chunk: string) => void;
  /**
   * Feeds FFmpeg's standard input (an input `pipe:0`, e.g. raw video frames): called with the
   * stream once FFmpeg starts; it should respect back-pressure and end the stream when done. When
   * it rejects, FFmpeg is killed and the run rejects with that error. Default: no input.
   */
  stdin?: (input: Writable) => Promise<void>;
}

/** FFmpeg failed: `message` is a human line from its stderr; `stderr` holds the tail. */
export class FfmpegError extends Error {
  override name = 'FfmpegError';
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    /** The spawn error's code (`ENOENT`: not installed, `EACCES`: not executable) when it never ran. */
    readonly code?: string,
  ) {
    super(message);
  }
}

export class FfmpegAbortedError extends Error {
  override name = 'AbortError';
  constructor() {
    super('FFmpeg was cancelled.');
  }
}

const STDERR_TAIL_BYTES = 16 * 1024;

/** The most useful line of an FFmpeg stderr: the last one that reads like an error. */
export function summarizeStderr(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const telling = [...lines]
    .reverse()
    .find(
      (l) =>
        /error|invalid|no such file|not found|unsupported|could not|failed|does not contain|moov atom/i.test(
          l,
        ) && !l.startsWith('Conversion failed'),
    );
  return (telling ?? lines.at(-1) ?? 'FFmpeg failed without output').slice(0, 500);
}

/** Parses one block of `-progress` key=value lines. */
function parseProgress(block: Map<string, string>, durationSec?: number): FfmpegProgress {
  const us = Number(block.get('out_time_us') ?? block.get('out_time_ms') ?? Number.NaN);
  const outTimeSec = Number.isFinite(us) && us > 0 ? us / 1e6 : 0;
  const speedRaw = block.get('speed')?.replace('x', '');
  const speed = speedRaw && speedRaw !== 'N/A' ? Number(speedRaw) : null;
  const frame = block.has('frame') ? Number(block.get('frame')) : null;
  const fraction = durationSec && durationSec > 0 ? Math.min(1, outTimeSec / durationSec) : null;
  return {
    outTimeSec,
    fraction,
    speed: Number.isFinite(speed) ? speed : null,
    frame: Number.isFinite(frame) ? frame : null,
  };
}

/**
 * Runs FFmpeg with an argument array (never a shell). Adds `-hide_banner -nostdin -progress pipe:1
 * -nostats`, parses progress, keeps the stderr tail for a readable error, and puts the child in its
 * own process group so an abort kills it and anything it spawned.
 */
export function runFfmpeg(args: readonly string[], options: RunFfmpegOptions = {}): Promise<void> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(new FfmpegAbortedError());
  return new Promise((resolve, reject) => {
    const child = spawnTied(
      options.bin ?? 'ffmpeg',
      ['-hide_banner', '-nostdin', '-progress', 'pipe:1', '-nostats', ...args],
      {
        stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] as ['pipe', 'pipe', 'pipe'],
        detached: true, // own process group: kill(-pid) reaches filters/helpers too
      },
    );
    let stderr = '';
    let aborted = false;
    let feedError: unknown;
    let timedOut = false;
    let block = new Map<string, string>();
    let lastEmit = 0;
    let pending = '';

    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const onAbort = () => {
      aborted = true;
      killGroup();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          killGroup();
        }, options.timeoutMs)
      : undefined;

    if (options.stdin && child.stdin) {
      // FFmpeg exiting early closes the pipe: its exit code and stderr say why, not EPIPE.
      child.stdin.on('error', () => {});
      options.stdin(child.stdin).catch((err: unknown) => {
        feedError = err;
        killGroup();
      });
    }
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const eq = line.indexOf('=');
        if (eq < 0) continue;
        const key = line.slice(0, eq).trim();
        const value = line.slice(eq + 1).trim();
        block.set(key, value);
        if (key === 'progress') {
          const now = Date.now();
          if (options.onProgress && (now - lastEmit >= 100 || value === 'end')) {
            lastEmit = now;
            options.onProgress(parseProgress(block, options.durationSec));
          }
          block = new Map();
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
      options.onStderr?.(chunk);
    });
    child.once('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(timer);
      reject(
        new FfmpegError(
          `Could not run FFmpeg (${err.message}). Install it with "apt-get install ffmpeg".`,
          null,
          '',
          (err as NodeJS.ErrnoException).code,
        ),
      );
    });
    child.once('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(timer);
      if (aborted) return reject(new FfmpegAbortedError());
      if (feedError !== undefined) return reject(feedError);
      if (timedOut)
        return reject(
          new FfmpegError(`FFmpeg took longer than ${options.timeoutMs} ms and was stopped.`, code, stderr),
        );
      if (code === 0) return resolve();
      reject(new FfmpegError(`FFmpeg failed: ${summarizeStderr(stderr)}`, code, stderr));
    });
  });
}

/** Streams and container facts from ffprobe. */
export interface ProbeResult {
  durationSec: number | null;
  formatName: string;
  /** Container bit rate (bit/s), when ffprobe knows it. */
  bitRate: number | null;
  streams: Array<{
    index: number;
    codecType: 'video' | 'audio' | 'subtitle' | 'data' | string;
    codecName: string;
    width?: number;
    height?: number;
    fps?: number;
    sampleRate?: number;
    channels?: number;
    durationSec?: number;
  }>;
}

function parseRate(rate: string | undefined): number | undefined {
  if (!rate) return undefined;
  const [n, d] = rate.split('/').map(Number);
  if (!n || !d) return undefined;
  return n / d;
}

/**
 * Probes a media file with ffprobe (JSON output). Rejects with a readable FfmpegError for a file
 * that is not media or is corrupt.
 */
export function ffprobe(
  file: string,
  options: { signal?: AbortSignal; bin?: string; timeoutMs?: number } = {},
): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = spawnTied(
      options.bin ?? 'ffprobe',
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        signal: options.signal,
        timeout: options.timeoutMs ?? 30_000,
      },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err = (err + d).slice(-STDERR_TAIL_BYTES);
    });
    child.once('error', (e) =>
      reject(
        new FfmpegError(
          `Could not run ffprobe (${e.message}).`,
          null,
          err,
          (e as NodeJS.ErrnoException).code,
        ),
      ),
    );
    child.once('close', (code) => {
      if (code !== 0)
        return reject(new FfmpegError(`Not a readable media file: ${summarizeStderr(err)}`, code, err));
      try {
        const json = JSON.parse(out) as {
          format?: { duration?: string; format_name?: string; bit_rate?: string };
          streams?: Array<Record<string, string | number | undefined>>;
        };
        const num = (v: unknown) => (v === undefined || v === 'N/A' ? undefined : Number(v));
        resolve({
          durationSec: num(json.format?.duration) ?? null,
          formatName: json.format?.format_name ?? 'unknown',
          bitRate: num(json.format?.bit_rate) ?? null,
          streams: (json.streams ?? []).map((s) => ({
            index: Number(s.index),
            codecType: String(s.codec_type),
            codecName: String(s.codec_name),
            width: num(s.width),
            height: num(s.height),
            fps:
              s.codec_type === 'video'
                ? (parseRate(s.avg_frame_rate as string) ?? parseRate(s.r_frame_rate as string))
                : undefined,
            sampleRate: num(s.sample_rate),
            channels: num(s.channels),
            durationSec: num(s.duration),
          })),
        });
      } catch {
        reject(new FfmpegError('ffprobe returned output that is not JSON.', code, err));
      }
    });
  });
}

export type H264Encoder = 'h264_nvenc' | 'libx264';
let encoderCache: Promise<H264Encoder> | undefined;

/**
 * The H.264 encoder to use: NVENC when a real encode works (tried once per process and cached;
 * H100/H200 have no NVENC), libx264 otherwise.
 */
export function detectH264Encoder(bin = 'ffmpeg'): Promise<H264Encoder> {
  encoderCache ??= runFfmpeg(
    [
      '-f',
      'lavfi',
      '-i',
      'color=c=black:s=256x256:d=0.1',
      '-frames:v',
      '1',
      '-c:v',
      'h264_nvenc',
      '-f',
      'null',
      '-',
    ],
    {
      bin,
      timeoutMs: 10_000,
    },
  ).then(
    () => 'h264_nvenc' as const,
    () => 'libx264' as const,
  );
  return encoderCache;
}

/** Encoder arguments for a quality-oriented H.264 encode with either encoder. */
export function h264Args(encoder: H264Encoder, opts: { crf?: number; preset?: string } = {}): string[] {
  if (encoder === 'h264_nvenc')
    return ['-c:v', 'h264_nvenc', '-preset', 'p4', '-cq', String(opts.crf ?? 23), '-pix_fmt', 'yuv420p'];
  return [
    '-c:v',
    'libx264',
    '-preset',
    opts.preset ?? 'veryfast',
    '-crf',
    String(opts.crf ?? 23),
    '-pix_fmt',
    'yuv420p',
  ];
}
