import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  detectH264Encoder,
  FfmpegAbortedError,
  FfmpegError,
  type FfmpegProgress,
  ffprobe,
  h264Args,
  runFfmpeg,
} from './ffmpeg';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-ffmpeg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ffmpegPids(marker: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

describe('FFmpeg wrapper (real ffmpeg)', () => {
  it('reports progress events that rise to the end and produces a probe-able file', async () => {
    const out = join(dir, 'clip.mp4');
    const events: FfmpegProgress[] = [];
    const encoder = await detectH264Encoder();
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=3', ...h264Args(encoder), out], {
      durationSec: 3,
      onProgress: (p) => events.push(p),
    });
    expect(events.length).toBeGreaterThan(0);
    expect(events.at(-1)!.fraction).toBeGreaterThan(0.95);
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.outTimeSec).toBeGreaterThanOrEqual(events[i - 1]!.outTimeSec);
    const probe = await ffprobe(out);
    expect(probe.durationSec).toBeCloseTo(3, 1);
    expect(probe.streams[0]).toMatchObject({
      codecType: 'video',
      codecName: 'h264',
      width: 320,
      height: 240,
      fps: 25,
    });
  });

  it('abort kills the process group within 1 s', async () => {
    const controller = new AbortController();
    const marker = `abort-marker-${Date.now()}`;
    const out = join(dir, `${marker}.mp4`);
    let started = false;
    const run = runFfmpeg(
      [
        '-y',
        '-re',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=s=640x360:r=25:d=60',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        out,
      ],
      {
        durationSec: 60,
        signal: controller.signal,
        onProgress: () => {
          started = true;
        },
      },
    );
    const deadline = Date.now() + 10_000;
    while (!started && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(ffmpegPids(marker).length).toBeGreaterThan(0);
    const abortedAt = Date.now();
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(FfmpegAbortedError);
    while (ffmpegPids(marker).length > 0 && Date.now() - abortedAt < 1_000)
      await new Promise((r) => setTimeout(r, 20));
    expect(ffmpegPids(marker)).toEqual([]);
    expect(Date.now() - abortedAt).toBeLessThan(1_000);
  });

  it('a corrupt input gives a readable error, not a stack of stderr', async () => {
    const bad = join(dir, 'corrupt.mp4');
    writeFileSync(
      bad,
      Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(200, 7)]),
    );
    const err = await runFfmpeg(['-y', '-i', bad, join(dir, 'never.mp4')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FfmpegError);
    expect((err as FfmpegError).message).toMatch(/^FFmpeg failed: .*(invalid|moov atom|error)/i);
    expect((err as FfmpegError).message.length).toBeLessThan(600);
    await expect(ffprobe(bad)).rejects.toThrow(/Not a readable media file/);
  });

  it('an already-aborted signal never spawns', async () => {
    const c = new AbortController();
    c.abort();
    await expect(runFfmpeg(['-version'], { signal: c.signal })).rejects.toBeInstanceOf(FfmpegAbortedError);
  });

  it('detects an encoder that really encodes, libx264 where there is no NVIDIA device', async () => {
    const encoder = await detectH264Encoder();
    if (!existsSync('/dev/nvidia0')) expect(encoder).toBe('libx264');
    const out = join(dir, 'detected.mp4');
    await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'color=c=red:s=128x128:d=0.5', ...h264Args(encoder), out]);
    expect((await ffprobe(out)).streams[0]?.codecName).toBe('h264');
  });
});
