import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeAudio } from '../media/decode-audio';
import { synthesizeSpeech } from '../speech/synthesize-speech';
import { suppressNoise } from './suppress-noise';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-rnnoise-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function snrDb(clean: Float32Array, test: Float32Array): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < clean.length; i++) {
    signal += clean[i]! ** 2;
    noise += (test[i]! - clean[i]!) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

describe('noise suppression (RNNoise WASM)', () => {
  it('drops the noise floor between words by > 15 dB, keeps speech level, stays aligned', async () => {
    const file = join(dir, 'speech.wav');
    await synthesizeSpeech('The narrator speaks over a noisy fan in the studio', file);
    const clean = await decodeAudio(file, { sampleRate: 48_000 });
    // Deterministic white noise (LCG) at about 10 dB below the speech.
    let seed = 42;
    const noisy = clean.samples.map((s) => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return s + (seed / 2 ** 32 - 0.5) * 0.08;
    });
    const before = snrDb(clean.samples, noisy);
    const out = await suppressNoise({ samples: noisy, sampleRate: 48_000 });
    expect(out.samples.length).toBe(clean.samples.length);
    const after = snrDb(clean.samples, out.samples);
    // Noise floor: energy in 10 ms frames where the clean speech is silent; speech: the loud frames.
    const frames = (pick: (rms: number) => boolean, x: Float32Array) => {
      let sum = 0;
      let n = 0;
      for (let f = 0; f + 480 <= x.length; f += 480) {
        let e = 0;
        for (let i = f; i < f + 480; i++) e += clean.samples[i]! ** 2;
        if (!pick(Math.sqrt(e / 480))) continue;
        for (let i = f; i < f + 480; i++) sum += x[i]! ** 2;
        n += 480;
      }
      return sum / n;
    };
    const floorDrop = 10 * Math.log10(frames((r) => r < 1e-4, noisy) / frames((r) => r < 1e-4, out.samples));
    const speechKept =
      10 * Math.log10(frames((r) => r > 0.05, out.samples) / frames((r) => r > 0.05, clean.samples));
    console.info(
      `RNNoise SNR ${before.toFixed(1)} -> ${after.toFixed(1)} dB, noise floor -${floorDrop.toFixed(1)} dB, speech ${speechKept.toFixed(1)} dB`,
    );
    expect(after).toBeGreaterThan(before + 2);
    expect(floorDrop).toBeGreaterThan(15);
    expect(Math.abs(speechKept)).toBeLessThan(3);
    expect(Math.max(...out.speechProbability)).toBeGreaterThan(0.9);
  });

  it('refuses audio that is not 48 kHz', async () => {
    await expect(suppressNoise({ samples: new Float32Array(160), sampleRate: 16_000 })).rejects.toThrow(
      /48 kHz/,
    );
  });
});
