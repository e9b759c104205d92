import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TextToImageManifest } from '@clapboard/shared/models';
import { Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import type { UserModel } from './load-user-models';
import type { ModelRegistry } from './model-registry';
import { ModelInputError, runUserModel } from './run-user-model';
import { seededNormal } from './seeded-normal';

export interface GeneratedImage {
  png: Buffer;
  width: number;
  height: number;
  seed: number;
}

/** Prompt → token ids, padded/truncated to `maxTokens`, as the manifest's tokenizer says. */
export async function tokenizePrompt(
  manifest: TextToImageManifest,
  dir: string,
  prompt: string,
): Promise<BigInt64Array> {
  const ids = new BigInt64Array(manifest.maxTokens).fill(BigInt(manifest.padId));
  let tokens: number[];
  if (manifest.tokenizer.type === 'bytes') {
    const offset = manifest.tokenizer.offset;
    tokens = [...new TextEncoder().encode(prompt)].map((b) => b + offset);
  } else {
    const vocab = JSON.parse(await readFile(join(dir, manifest.tokenizer.file), 'utf8')) as Record<
      string,
      number
    >;
    const unknown = manifest.tokenizer.unknownId;
    tokens = prompt
      .toLowerCase()
      .split(/[^\p{L}\p{N}']+/u)
      .filter(Boolean)
      .map((w) => vocab[w] ?? unknown);
  }
  tokens.slice(0, manifest.maxTokens).forEach((t, i) => {
    ids[i] = BigInt(t);
  });
  return ids;
}

/**
 * Text-to-image with a user's ONNX export: tokenises the prompt, adds seeded Gaussian noise when
 * the model takes it, runs through the registry and turns the `[1, 3, H, W]` output into a PNG.
 *
 * @param options.seed 32-bit seed for the noise; default random (returned so the image can be remade)
 * @throws ModelInputError when the model is not a text-to-image model or its output is not `[1, 3, H, W]`
 */
export async function generateImage(
  registry: ModelRegistry,
  model: UserModel,
  prompt: string,
  options: { seed?: number } = {},
): Promise<GeneratedImage> {
  const { manifest } = model;
  if (manifest.task !== 'text-to-image')
    throw new ModelInputError(`"${manifest.name}" is not a text-to-image model.`);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const feeds: Record<string, Tensor> = {
    [manifest.io.inputIds]: new Tensor('int64', await tokenizePrompt(manifest, model.dir, prompt), [
      1,
      manifest.maxTokens,
    ]),
  };
  if (manifest.io.noise) {
    const spec = manifest.inputs.find((i) => i.name === manifest.io.noise);
    const dims = spec?.shape.filter((d): d is number => typeof d === 'number') ?? [];
    if (!spec || dims.length !== spec.shape.length)
      throw new ModelInputError(`Noise input "${manifest.io.noise}" needs a fixed shape in the manifest.`);
    const size = dims.reduce((a, b) => a * b, 1);
    feeds[manifest.io.noise] = new Tensor('float32', seededNormal(size, seed), dims);
  }
  const out = await runUserModel(registry, model, feeds);
  const image = out[manifest.io.image]!;
  const [batch, channels, height, width] = image.dims;
  if (image.dims.length !== 4 || batch !== 1 || channels !== 3 || !height || !width)
    throw new ModelInputError(`Image output must be [1, 3, H, W], got [${image.dims.join(', ')}].`);
  const data = image.data as Float32Array;
  const plane = width * height;
  const rgb = Buffer.alloc(plane * 3);
  const toByte =
    manifest.outputRange === 'minus-one-one' ? (v: number) => ((v + 1) / 2) * 255 : (v: number) => v * 255;
  for (let i = 0; i < plane; i++)
    for (let c = 0; c < 3; c++)
      rgb[i * 3 + c] = Math.max(0, Math.min(255, Math.round(toByte(data[c * plane + i] ?? 0))));
  const png = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  return { png, width, height, seed };
}
