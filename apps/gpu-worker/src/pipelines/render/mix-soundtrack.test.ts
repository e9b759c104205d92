import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AUDIO_RATE,
  mixSoundtrack,
  parseEbur128Summary,
  TARGET_LUFS,
  TARGET_TRUE_PEAK,
} from './mix-soundtrack';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-mix-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A tone with on/off bursts, like speech with pauses, at `amplitude`. */
function bursts(seconds: number, hz: number, amplitude: number): Float32Array {
  const out = new Float32Array(seconds * AUDIO_RATE);
  for (let i = 0; i < out.length; i++) {
    const t = i / AUDIO_RATE;
    const on = Math.floor(t * 2) % 3 !== 2; // 1 s on, 0.5 s off
    out[i] = on ? amplitude * Math.sin(2 * Math.PI * hz * t) : 0;
  }
  return out;
}

/** Integrated loudness and sample peak of a file, measured by FFmpeg's ebur128 filter. */
function measure(file: string) {
  const run = spawnSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostats',
      '-i',
      file,
      '-af',
      'ebur128=peak=sample:framelog=verbose',
      '-f',
      'null',
      '-',
    ],
    {
      encoding: 'utf8',
    },
  );
  return parseEbur128Summary(run.stderr);
}

describe('mixSoundtrack (real FFmpeg)', () => {
  it.each([
    ['quiet', 0.02, 0.01],
    ['loud', 0.9, 0.5],
  ])('brings a %s mix to the target loudness with peaks under the ceiling', async (label, speech, music) => {
    const out = join(dir, `${label}.m4a`);
    const m = await mixSoundtrack({
      dialogue: bursts(8, 300, speech),
      music: bursts(8, 110, music),
      out,
      scratchDir: dir,
    });
    expect(Math.abs(m.gainDb - (TARGET_LUFS - m.integratedLufs))).toBeLessThan(0.01);
    const result = execFileSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream=codec_name,channels,sample_rate', '-of', 'csv=p=0', out],
      { encoding: 'utf8' },
    );
    expect(result.trim()).toBe('aac,48000,2');
    const after = measure(out);
    expect(Math.abs(after.integratedLufs - TARGET_LUFS)).toBeLessThan(0.7);
    expect(after.samplePeakDbfs).toBeLessThan(TARGET_TRUE_PEAK + 0.5);
  });

  it('parses the ebur128 summary and refuses output without one', () => {
    const stderr =
      '[Parsed_ebur128_0] Summary:\n\n  Integrated loudness:\n    I:         -21.8 LUFS\n    Threshold: -31.8 LUFS\n\n  Sample peak:\n    Peak:      -18.1 dBFS\n';
    expect(parseEbur128Summary(stderr)).toEqual({ integratedLufs: -21.8, samplePeakDbfs: -18.1 });
    expect(() => parseEbur128Summary('nothing here')).toThrow(/no loudness summary/);
  });
});
