import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '@clapboard/server/media';
import { afterAll, describe, expect, it } from 'vitest';
import { ebur128Summary } from '../../test/support/render-test-kit';
import { measureLoudness } from './measure-loudness';

const RATE = 48_000;
const dir = mkdtempSync(join(tmpdir(), 'clapboard-loudness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Signals with very different spectra and gating, each measured here and by FFmpeg's ebur128. */
function signals(): Record<string, Float32Array> {
  const n = 12 * RATE;
  const sine = new Float32Array(n);
  const bursts = new Float32Array(n);
  const noise = new Float32Array(n);
  const rumble = new Float32Array(n);
  let seed = 1;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff - 0.5;
  };
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    sine[i] = 0.1 * Math.sin(2 * Math.PI * 997 * t);
    // Speech-like: loud and quiet passages and silences, which the gates treat differently.
    const phase = Math.floor(t / 0.7) % 4;
    bursts[i] = [0.4, 0.05, 0, 0.2][phase]! * Math.sin(2 * Math.PI * (180 + 40 * phase) * t);
    noise[i] = 0.3 * random();
    rumble[i] = 0.5 * Math.sin(2 * Math.PI * 30 * t) + 0.05 * Math.sin(2 * Math.PI * 6000 * t);
  }
  return { sine, bursts, noise, rumble };
}

describe('measureLoudness (against FFmpeg ebur128)', () => {
  it('reads a −20 dBFS 997 Hz sine as −23.0 LUFS, as BS.1770 specifies', () => {
    const { sine } = signals();
    const m = measureLoudness(sine!, RATE);
    expect(m.integratedLufs).toBeCloseTo(-23.0, 1);
    expect(m.samplePeakDbfs).toBeCloseTo(-20, 1);
  });

  it.each(Object.keys(signals()))('agrees with FFmpeg on %s within 0.2 LU', async (name) => {
    const samples = signals()[name]!;
    const file = join(dir, `${name}.f32`);
    writeFileSync(file, new Uint8Array(samples.buffer));
    const wav = join(dir, `${name}.wav`);
    await runFfmpeg([
      '-y',
      '-f',
      'f32le',
      '-ar',
      String(RATE),
      '-ch_layout',
      'mono',
      '-i',
      file,
      '-c:a',
      'pcm_f32le',
      wav,
    ]);
    const ours = measureLoudness(samples, RATE);
    const theirs = await ebur128Summary(wav);
    expect(Math.abs(ours.integratedLufs - theirs.integratedLufs)).toBeLessThan(0.2);
    expect(Math.abs(ours.samplePeakDbfs - theirs.samplePeakDbfs)).toBeLessThan(0.1);
  });

  it('gives −Infinity for silence and for audio under the absolute gate', () => {
    expect(measureLoudness(new Float32Array(RATE), RATE).integratedLufs).toBe(Number.NEGATIVE_INFINITY);
    const faint = new Float32Array(2 * RATE).map((_, i) => 1e-5 * Math.sin(i / 10));
    expect(measureLoudness(faint, RATE).integratedLufs).toBe(Number.NEGATIVE_INFINITY);
  });
});
