import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ebur128Summary } from '../../../test/support/render-test-kit';
import {
  AUDIO_RATE,
  DUCKING,
  duckUnder,
  GAIN_TOLERANCE_DB,
  limitPeaks,
  mixRange,
  mixSoundtrack,
  type SoundtrackCache,
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

const rmsDb = (x: Float32Array, fromSec: number, toSec: number) => {
  let sum = 0;
  const a = Math.round(fromSec * AUDIO_RATE);
  const b = Math.round(toSec * AUDIO_RATE);
  for (let i = a; i < b; i++) sum += x[i]! ** 2;
  return 10 * Math.log10(sum / (b - a));
};

describe('mixSoundtrack (real FFmpeg)', () => {
  it.each([
    ['quiet', 0.02, 0.01],
    ['loud', 0.9, 0.5],
  ])('brings a %s mix to the target loudness with peaks under the ceiling', async (label, speech, music) => {
    const out = join(dir, `${label}.aac`);
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
    const after = await ebur128Summary(out);
    expect(Math.abs(after.integratedLufs - TARGET_LUFS)).toBeLessThan(0.7);
    expect(after.samplePeakDbfs).toBeLessThan(TARGET_TRUE_PEAK + 0.5);
  });

  it('leaves a silent mix silent instead of failing', async () => {
    const out = join(dir, 'silent.aac');
    const m = await mixSoundtrack({
      dialogue: new Float32Array(2 * AUDIO_RATE),
      music: new Float32Array(2 * AUDIO_RATE),
      out,
      scratchDir: dir,
    });
    expect(m.integratedLufs).toBe(Number.NEGATIVE_INFINITY);
    expect(m.gainDb).toBe(0);
  });
});

describe('duckUnder', () => {
  it('pulls the music down while the key speaks and lets it back up in the pauses', () => {
    // Key: speech-level tone for 1 s, then 1.5 s of silence.
    const key = new Float32Array(Math.round(2.5 * AUDIO_RATE));
    for (let i = 0; i < AUDIO_RATE; i++) key[i] = 0.3 * Math.sin((2 * Math.PI * 300 * i) / AUDIO_RATE);
    const music = bursts(3, 110, 0.5).slice(0, key.length).fill(0.2);
    const before = music.slice();
    duckUnder(music, key);
    // Key at −13.5 dB RMS, 20.5 dB over the threshold: the full ratio applies, −18.5 dB.
    const expected = (1 / DUCKING.ratio - 1) * (-13.5 - DUCKING.thresholdDb);
    const ducked = rmsDb(music, 0.5, 0.9) - rmsDb(before, 0.5, 0.9);
    expect(Math.abs(ducked - expected)).toBeLessThan(1);
    // 1.4 s after the key stops (3.5 release times), the music is back within 1 dB.
    expect(rmsDb(music, 2.4, 2.5) - rmsDb(before, 2.4, 2.5)).toBeGreaterThan(-1);
    // Before the key's attack has built up there is almost no reduction.
    expect(rmsDb(music, 0, 0.002) - rmsDb(before, 0, 0.002)).toBeGreaterThan(-1);
  });
});

/** Decodes a soundtrack to mono float PCM (the channels carry the same signal). */
function decode(file: string): Float32Array {
  const buf = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-ac', '1', '-f', 'f32le', '-'], {
    maxBuffer: 64 << 20,
  });
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

/** Signal-to-noise ratio (dB) of `y` against `x` over [from, to) samples. */
function snrDb(x: Float32Array, y: Float32Array, from: number, to: number): number {
  let signal = 0;
  let noise = 0;
  for (let i = from; i < to; i++) {
    signal += x[i]! ** 2;
    noise += (x[i]! - y[i]!) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

/** Four "scenes" of speech-like bursts over a music bed, 16 s in all; scene 2's pitch varies. */
function film(scene2Hz: number) {
  const dialogue = new Float32Array(16 * AUDIO_RATE);
  for (let i = 0; i < dialogue.length; i++) {
    const t = i / AUDIO_RATE;
    const scene = Math.floor(t / 4);
    const inLine = t % 4 > 0.5 && t % 4 < 3.2;
    const hz = scene === 1 ? scene2Hz : 240 + 60 * scene;
    dialogue[i] = inLine
      ? 0.25 * Math.sin(2 * Math.PI * hz * t) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t))
      : 0;
  }
  const music = new Float32Array(dialogue.length).map(
    (_, i) =>
      0.3 * Math.sin((2 * Math.PI * 110 * i) / AUDIO_RATE) +
      0.1 * Math.sin((2 * Math.PI * 660 * i) / AUDIO_RATE),
  );
  return { dialogue, music };
}

describe('mixSoundtrack in spans', () => {
  it('splices separately encoded spans into audio as clean as one encode, aligned to the sample', async () => {
    const { dialogue, music } = film(300);
    const whole = join(dir, 'whole.aac');
    const spliced = join(dir, 'spliced.aac');
    const one = await mixSoundtrack({ dialogue, music, out: whole, scratchDir: dir });
    const cut = await mixSoundtrack({ dialogue, music, cutsAtSec: [4, 8], out: spliced, scratchDir: dir });
    expect([one.spans, cut.spans]).toEqual([1, 3]);
    const reference = mixRange(dialogue, music, 0, dialogue.length).map((x) => x * 10 ** (cut.gainDb / 20));
    const a = decode(whole);
    const b = decode(spliced);
    expect(b.length).toBe(a.length);
    expect(b.length).toBeGreaterThanOrEqual(dialogue.length);
    // Everywhere, and in the 50 ms around each cut, the spliced audio is as close to the mix as the
    // single encode is (a misaligned or unprimed splice would drop under 10 dB there).
    const whole12 = snrDb(reference, a, 0, dialogue.length);
    expect(snrDb(reference, b, 0, dialogue.length)).toBeGreaterThan(whole12 - 1);
    for (const at of [4, 8].map((s) => s * AUDIO_RATE)) {
      const near = snrDb(reference, b, at - 1200, at + 1200);
      expect(near).toBeGreaterThan(20);
      expect(near).toBeGreaterThan(snrDb(reference, a, at - 1200, at + 1200) - 3);
    }
  });

  it('re-encodes only the span whose audio changed', async () => {
    const stored = new Map<string, Buffer>();
    const cache: SoundtrackCache = {
      get: async (key) => stored.get(key) ?? null,
      put: async (key, frames) => {
        stored.set(key, frames);
      },
    };
    const first = join(dir, 'first.aac');
    const second = join(dir, 'second.aac');
    const before = film(300);
    const cutsAtSec = [4, 8, 12];
    const r1 = await mixSoundtrack({ ...before, cutsAtSec, cache, out: first, scratchDir: dir });
    const after = film(320);
    const previousGainDb = r1.gainDb;
    const r2 = await mixSoundtrack({
      ...after,
      cutsAtSec,
      cache,
      previousGainDb,
      out: second,
      scratchDir: dir,
    });
    // The edit moved the loudness a little: the previous gain is kept, within the tolerance.
    expect(r2.integratedLufs).not.toBe(r1.integratedLufs);
    expect(r2.gainDb).toBe(r1.gainDb);
    expect(Math.abs(TARGET_LUFS - r2.integratedLufs - r2.gainDb)).toBeLessThanOrEqual(GAIN_TOLERANCE_DB);
    // Scene 2 changed; scene 3's span is encoded again too, because the music is still coming back
    // up from scene 2's ducking when it starts. Scenes 1 and 4 are reused.
    expect([r1.spans, r1.reusedSpans, r2.reusedSpans]).toEqual([4, 0, 2]);
    // The first scene's frames are byte-identical, and so are the last scene's; the rest are not.
    const [x, y] = [readFileSync(first), readFileSync(second)];
    expect(x.length).toBeGreaterThan(60_000);
    expect(x.subarray(0, 20_000).equals(y.subarray(0, 20_000))).toBe(true);
    expect(x.subarray(-20_000).equals(y.subarray(-20_000))).toBe(true);
    expect(x.equals(y)).toBe(false);
  });
});

describe('mixSoundtrack gain', () => {
  it('does not keep a previous gain that would miss the target by more than the tolerance', async () => {
    const { dialogue, music } = film(300);
    const exact = await mixSoundtrack({ dialogue, music, out: join(dir, 'exact.aac'), scratchDir: dir });
    const ideal = exact.gainDb;
    const kept = await mixSoundtrack({
      dialogue,
      music,
      previousGainDb: ideal + 0.4,
      out: join(dir, 'kept.aac'),
      scratchDir: dir,
    });
    const refused = await mixSoundtrack({
      dialogue,
      music,
      previousGainDb: ideal + 0.6,
      out: join(dir, 'refused.aac'),
      scratchDir: dir,
    });
    expect(kept.gainDb).toBeCloseTo(ideal + 0.4, 6);
    expect(refused.gainDb).toBeCloseTo(ideal, 6);
  });
});

describe('limitPeaks', () => {
  it('holds every sample under the ceiling and lets quiet passages through untouched', () => {
    const x = new Float32Array(AUDIO_RATE).map((_, i) =>
      i > 20_000 && i < 21_000 ? 1.6 * Math.sin(i / 5) : 0.2 * Math.sin(i / 5),
    );
    const quietBefore = x.slice(0, 19_000);
    limitPeaks(x, 0.84);
    expect(Math.max(...x.map(Math.abs))).toBeLessThanOrEqual(0.84 + 1e-6);
    expect(x.slice(0, 19_000)).toEqual(quietBefore);
    // Half a second after the peak the gain is back to unity.
    expect(Math.abs(x[45_000]! - 0.2 * Math.sin(45_000 / 5))).toBeLessThan(1e-3);
  });
});
