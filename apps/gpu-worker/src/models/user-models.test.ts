import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@clapboard/server/logger';
import { Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyTextToImage, tinyTextToImageManifest, tinyWhisper } from '../../test/tiny-models';
import { decodeAudio } from '../media/decode-audio';
import { synthesizeSpeech } from '../speech/synthesize-speech';
import { transcribeWhisper } from '../speech/transcribe-whisper';
import { generateImage } from './generate-image';
import { loadUserModels, type UserModel } from './load-user-models';
import { createModelRegistry, type ModelRegistry } from './model-registry';
import { ModelInputError, runUserModel } from './run-user-model';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-models-dir-'));
const log = createLogger('user-models-test', { level: 'silent' });
let registry: ModelRegistry;
let models: UserModel[];
let problems: Array<{ dir: string; reason: string }>;

function writeModel(folder: string, manifest: object, files: Record<string, Uint8Array | string>) {
  mkdirSync(join(dir, folder), { recursive: true });
  writeFileSync(join(dir, folder, 'manifest.json'), JSON.stringify(manifest));
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, folder, name), data);
}

// Byte-level BPE strings: "Ġ" is a leading space, "Ã©" the UTF-8 bytes of "é".
const vocab = { Hello: 0, Ġworld: 1, ',': 2, Ġcaf: 3, 'Ã©': 4, '.': 5, '<|endoftext|>': 6 };
const SOT = 50258; // <|startoftranscript|>: not in vocab.json, so a control token

beforeAll(async () => {
  writeModel('painter', tinyTextToImageManifest(32), { 'model.onnx': tinyTextToImage(32) });
  writeModel(
    'whisper',
    {
      name: 'tiny-whisper',
      task: 'speech-recognition',
      license: 'MIT',
      source: 'built by the test',
      file: 'whisper.onnx',
      vocab: 'vocab.json',
      inputs: [
        { name: 'input_features', dtype: 'float32', shape: [1, 80, 3000] },
        ...['max_length', 'min_length', 'num_beams', 'num_return_sequences'].map((name) => ({
          name,
          dtype: 'int32',
          shape: [1],
        })),
        ...['length_penalty', 'repetition_penalty'].map((name) => ({ name, dtype: 'float32', shape: [1] })),
      ],
      outputs: [{ name: 'sequences', dtype: 'int32', shape: [1, 1, 'length'] }],
      io: {},
    },
    {
      'whisper.onnx': tinyWhisper([SOT, 0, 1, 2, 3, 4, 5, 6], [SOT, 6, 6, 6, 6, 6, 6, 6]),
      'vocab.json': JSON.stringify(vocab),
    },
  );
  writeModel('broken', { name: 'Bad Name', task: 'text-to-image' }, {});
  writeModel(
    'missing-file',
    {
      name: 'ghost',
      task: 'speech-recognition',
      license: 'MIT',
      source: 'x',
      file: 'gone.onnx',
      vocab: 'v.json',
      inputs: [{ name: 'a', dtype: 'float32', shape: [1] }],
      outputs: [{ name: 'b', dtype: 'int32', shape: [1] }],
      io: {},
    },
    {},
  );
  registry = createModelRegistry({ device: { requested: 'cpu', provider: 'cpu', reason: null }, log });
  ({ models, problems } = await loadUserModels(registry, dir, log));
});
afterAll(async () => {
  await registry.close();
  rmSync(dir, { recursive: true, force: true });
});

const model = (name: string) => models.find((m) => m.manifest.name === name)!;

describe('MODELS_DIR loading', () => {
  it('registers valid manifests and skips bad folders with a reason', () => {
    expect(models.map((m) => m.manifest.name)).toEqual(['tiny-painter', 'tiny-whisper']);
    expect(problems.map((p) => p.reason)).toEqual([
      expect.stringMatching(/name: lowercase letters/),
      'gone.onnx is missing',
    ]);
    expect(
      registry
        .report()
        .filter((m) => m.origin === 'user')
        .map((m) => [m.name, m.task, m.warm]),
    ).toEqual([
      ['tiny-painter', 'text-to-image', false],
      ['tiny-whisper', 'speech-recognition', false],
    ]);
  });

  it('the generic runner refuses feeds that do not match the manifest', async () => {
    const feeds = { input_ids: new Tensor('int32', new Int32Array(16), [1, 16]) };
    await expect(runUserModel(registry, model('tiny-painter'), feeds)).rejects.toThrow(
      new ModelInputError('Input "input_ids" must be int64, got int32.'),
    );
  });
});

describe('text-to-image pipeline (tiny graph with the export signature)', () => {
  it('turns a prompt and seed into a PNG; same seed → same image, new seed or prompt → a different one', async () => {
    const a = await generateImage(registry, model('tiny-painter'), 'a lighthouse at dusk', { seed: 7 });
    const again = await generateImage(registry, model('tiny-painter'), 'a lighthouse at dusk', { seed: 7 });
    const reseeded = await generateImage(registry, model('tiny-painter'), 'a lighthouse at dusk', {
      seed: 8,
    });
    const reprompted = await generateImage(registry, model('tiny-painter'), 'zzzzzzzzzzzzzzzz', { seed: 7 });
    expect(await sharp(a.png).metadata()).toMatchObject({ width: 32, height: 32, format: 'png' });
    const raw = (png: Buffer) => sharp(png).raw().toBuffer();
    expect((await raw(again.png)).equals(await raw(a.png))).toBe(true);
    expect((await raw(reseeded.png)).equals(await raw(a.png))).toBe(false);
    const [x, y] = [await raw(a.png), await raw(reprompted.png)];
    const meanDiff = x.reduce((s, v, i) => s + (y[i]! - v), 0) / x.length;
    expect(meanDiff).toBeGreaterThan(5); // brighter: larger byte ids push tanh up
    expect(registry.report().find((m) => m.name === 'tiny-painter')).toMatchObject({ warm: true, runs: 4 });
  });
});

describe('Whisper pipeline (tiny graph with the WhisperBeamSearch signature)', () => {
  it('feeds real log-mel features and decodes byte-level BPE tokens, dropping control tokens', async () => {
    const file = join(dir, 'hello.wav');
    await synthesizeSpeech('Hello world', file, { voice: 'flite-slt' });
    const speech = await transcribeWhisper(registry, model('tiny-whisper'), await decodeAudio(file));
    expect(speech.text).toBe('Hello world, café.');
    const silence = await transcribeWhisper(registry, model('tiny-whisper'), {
      samples: new Float32Array(16_000),
      sampleRate: 16_000,
    });
    expect(silence.text).toBe('');
  });

  it('splits audio longer than 30 s into chunks and refuses other sample rates', async () => {
    const long = new Float32Array(16_000 * 31).map((_, i) => (i > 16_000 * 30 ? Math.sin(i / 5) * 0.5 : 0));
    const out = await transcribeWhisper(registry, model('tiny-whisper'), {
      samples: long,
      sampleRate: 16_000,
    });
    expect(out.chunks).toEqual(['', 'Hello world, café.']);
    await expect(
      transcribeWhisper(registry, model('tiny-whisper'), { samples: new Float32Array(10), sampleRate: 8000 }),
    ).rejects.toThrow(/16 kHz/);
  });
});
