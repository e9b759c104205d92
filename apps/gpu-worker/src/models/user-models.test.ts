import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@clapboard/server/logger';
import { Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyTextToImage, tinyTextToImageManifest } from '../../test/tiny-models';
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

beforeAll(async () => {
  writeModel('painter', tinyTextToImageManifest(32), { 'model.onnx': tinyTextToImage(32) });
  // A task the product has no pipeline for is refused, not listed as a model nobody can use.
  writeModel(
    'listener',
    { ...tinyTextToImageManifest(32), name: 'listener', task: 'speech-recognition' },
    {},
  );
  writeModel('broken', { name: 'Bad Name', task: 'text-to-image' }, {});
  writeModel(
    'missing-file',
    {
      ...tinyTextToImageManifest(32),
      name: 'ghost',
      file: 'gone.onnx',
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
    expect(models.map((m) => m.manifest.name)).toEqual(['tiny-painter']);
    expect(problems.map((p) => p.reason)).toEqual([
      expect.stringMatching(/name: lowercase letters/),
      'task "speech-recognition": user models can only be text-to-image (the tasks a pipeline runs)',
      'gone.onnx is missing',
    ]);
    expect(
      registry
        .report()
        .filter((m) => m.origin === 'user')
        .map((m) => [m.name, m.task, m.warm]),
    ).toEqual([['tiny-painter', 'text-to-image', false]]);
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
