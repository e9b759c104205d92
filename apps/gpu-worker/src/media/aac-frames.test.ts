import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AAC_FRAME, encodeAacSpan, splitAdtsFrames } from './aac-frames';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-aac-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tone = (n: number) => new Float32Array(n).map((_, i) => 0.3 * Math.sin(i / 7));

describe('AAC spans (real FFmpeg)', () => {
  it('keeps exactly one ADTS frame per 1024 samples of the span', async () => {
    const frames = await encodeAacSpan({
      pcm: tone(2048 + 10 * AAC_FRAME + 2048),
      sampleRate: 48_000,
      preSamples: 2048,
      spanSamples: 10 * AAC_FRAME,
      args: ['-c:a', 'aac', '-b:a', '128k'],
      scratchDir: dir,
    });
    expect(frames).toHaveLength(10);
    expect(splitAdtsFrames(Buffer.concat(frames))).toHaveLength(10);
  });

  it('refuses spans that are not whole frames, and bytes that are not ADTS', async () => {
    await expect(
      encodeAacSpan({
        pcm: tone(5000),
        sampleRate: 48_000,
        preSamples: 100,
        spanSamples: 2048,
        args: [],
        scratchDir: dir,
      }),
    ).rejects.toThrow(/whole frames/);
    expect(() => splitAdtsFrames(Buffer.from('RIFF....WAVEfmt '))).toThrow(/Not an ADTS frame at byte 0/);
    // A header that claims more bytes than there are.
    expect(() => splitAdtsFrames(Buffer.from([0xff, 0xf1, 0x50, 0x80, 0xff, 0xff, 0xfc, 0, 0]))).toThrow(
      /Truncated ADTS frame/,
    );
  });
});
