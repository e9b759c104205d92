import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@clapboard/server/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wordErrorRate } from '../../test/quality';
import { buildSpeechFixture, type SpeechFixture } from '../../test/speech-fixture';
import { decodeAudio } from '../media/decode-audio';
import { createModelRegistry, type ModelRegistry } from '../models/model-registry';
import { detectSpeech } from './detect-speech';
import { parsePocketsphinxTimes, recognizeSpeech } from './recognize-speech';
import { sileroVadSpec } from './silero-vad-model';
import { synthesizeSpeech, VOICES, type VoiceId } from './synthesize-speech';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-speech-'));
let registry: ModelRegistry;
let fixture: SpeechFixture;

beforeAll(async () => {
  registry = createModelRegistry({
    device: { requested: 'cpu', provider: 'cpu', reason: null },
    log: createLogger('speech-test', { level: 'silent' }),
  });
  registry.register(sileroVadSpec());
  fixture = await buildSpeechFixture(
    dir,
    ['The storyboard is ready for review', 'Please approve the second scene today', 'Thank you'],
    [0.6, 1.2, 0.9, 0.7],
  );
});
afterAll(async () => {
  await registry.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('voice activity (Silero VAD through the registry)', () => {
  it('finds each spoken sentence within 100 ms of where it starts and ends', async () => {
    const spans = await detectSpeech(registry, await decodeAudio(fixture.file), { minSilenceMs: 300 });
    expect(spans).toHaveLength(fixture.truth.length);
    const errors = spans.flatMap((s, i) => [
      Math.abs(s.startSec - fixture.truth[i]!.startSec),
      Math.abs(s.endSec - fixture.truth[i]!.endSec),
    ]);
    console.info(
      `VAD boundary error: max ${Math.max(...errors).toFixed(3)} s, mean ${(errors.reduce((a, b) => a + b) / errors.length).toFixed(3)} s`,
    );
    expect(Math.max(...errors)).toBeLessThan(0.1);
    expect(registry.report().find((m) => m.name === 'silero-vad')).toMatchObject({
      warm: true,
      provider: 'cpu',
    });
  });

  it('finds no speech in silence or in a steady tone', async () => {
    const silence = { samples: new Float32Array(16000 * 2), sampleRate: 16000 };
    const tone = {
      samples: new Float32Array(16000 * 2).map((_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 16000)),
      sampleRate: 16000,
    };
    expect(await detectSpeech(registry, silence)).toEqual([]);
    expect(await detectSpeech(registry, tone)).toEqual([]);
  });
});

describe('speech synthesis', () => {
  const sentence = 'Welcome to the lesson about volcanoes';
  it.each(Object.keys(VOICES) as VoiceId[])(
    '%s speaks: VAD finds speech over most of a plausible length',
    async (voice) => {
      const out = await synthesizeSpeech(sentence, join(dir, `${voice}.wav`), { voice });
      // Six words at 120–220 words per minute, plus up to half a second of lead-in and tail.
      expect(out.durationSec).toBeGreaterThan(1.4);
      expect(out.durationSec).toBeLessThan(3.8);
      const spans = await detectSpeech(registry, await decodeAudio(out.file));
      const speech = spans.reduce((sum, s) => sum + s.endSec - s.startSec, 0);
      expect(speech / out.durationSec).toBeGreaterThan(0.6);
    },
  );

  it('refuses empty text and unknown voices', async () => {
    await expect(synthesizeSpeech('   ', join(dir, 'x.wav'))).rejects.toThrow(/empty/);
    await expect(synthesizeSpeech('hi', join(dir, 'x.wav'), { voice: 'nope' as VoiceId })).rejects.toThrow(
      /Unknown voice/,
    );
  });
});

describe('speech recognition (PocketSphinx)', () => {
  it('transcribes synthesized speech with WER <= 20% and word timings inside the speech', async () => {
    const transcript = await recognizeSpeech(fixture.file);
    const reference = fixture.sentences.join(' ');
    const wer = wordErrorRate(reference, transcript.text);
    console.info(`ASR: "${transcript.text}" WER ${(wer * 100).toFixed(1)}%`);
    expect(wer).toBeLessThanOrEqual(0.2);
    const first = fixture.truth[0]!;
    const last = fixture.truth.at(-1)!;
    expect(transcript.words[0]!.startSec).toBeGreaterThan(first.startSec - 0.2);
    expect(transcript.words.at(-1)!.endSec).toBeLessThan(last.endSec + 0.3);
    for (const [i, w] of transcript.words.entries()) {
      expect(w.endSec).toBeGreaterThan(w.startSec);
      if (i > 0) expect(w.startSec).toBeGreaterThanOrEqual(transcript.words[i - 1]!.endSec);
    }
  });

  it('parses timings, dropping fillers and alternate-pronunciation marks', () => {
    const words = parsePocketsphinxTimes(
      'read the book\n<s> 0.0 0.1 1\nread(2) 0.11 0.40 0.9\n<sil> 0.4 0.5 1\nbook 0.5 0.9 0.8\n',
    );
    expect(words).toEqual([
      { word: 'read', startSec: 0.11, endSec: 0.4, confidence: 0.9 },
      { word: 'book', startSec: 0.5, endSec: 0.9, confidence: 0.8 },
    ]);
  });
});
