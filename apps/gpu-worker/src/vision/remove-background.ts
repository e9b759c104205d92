import { Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import type { ModelRegistry } from '../models/model-registry';
import { MATTING, MATTING_SIZE } from './matting-model';

/** A matte: one alpha byte per pixel (255 = foreground) at the source image's size. */
export interface Matte {
  width: number;
  height: number;
  alpha: Uint8Array;
}

/**
 * Estimates the foreground matte of an image with IS-Net through the registry: the image is resized
 * to 1024², normalised as the model was trained ((v − 128) / 256), and the predicted matte is
 * resized back with sharp.
 *
 * @param image any format sharp reads (PNG, JPEG, WebP, ...)
 */
export async function estimateMatte(registry: ModelRegistry, image: Buffer | string): Promise<Matte> {
  const source = sharp(image);
  const meta = await source.metadata();
  const { width, height } = meta;
  if (!width || !height) throw new Error('Not an image sharp can read.');
  const rgb = await sharp(image)
    .removeAlpha()
    .resize(MATTING_SIZE, MATTING_SIZE, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  const plane = MATTING_SIZE * MATTING_SIZE;
  const input = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    input[i] = ((rgb[i * 3] ?? 0) - 128) / 256;
    input[i + plane] = ((rgb[i * 3 + 1] ?? 0) - 128) / 256;
    input[i + 2 * plane] = ((rgb[i * 3 + 2] ?? 0) - 128) / 256;
  }
  const out = await registry.run(MATTING, {
    input: new Tensor('float32', input, [1, 3, MATTING_SIZE, MATTING_SIZE]),
  });
  const pred = (out.output ?? Object.values(out)[0])!.data as Float32Array;
  const mask = Buffer.alloc(plane);
  for (let i = 0; i < plane; i++) mask[i] = Math.round(Math.max(0, Math.min(1, pred[i] ?? 0)) * 255);
  const alpha = await sharp(mask, { raw: { width: MATTING_SIZE, height: MATTING_SIZE, channels: 1 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .extractChannel(0) // sharp widens one-channel raw input to sRGB on output
    .raw()
    .toBuffer();
  return { width, height, alpha: new Uint8Array(alpha.buffer, alpha.byteOffset, width * height) };
}

/**
 * Cuts the foreground out of an image: the source pixels with the estimated matte as alpha.
 *
 * @returns a PNG with transparency, at the source size
 */
export async function removeBackground(registry: ModelRegistry, image: Buffer | string): Promise<Buffer> {
  const matte = await estimateMatte(registry, image);
  // Interleave by hand: sharp's joinChannel keeps a grey source's two-channel layout.
  const rgb = await sharp(image).removeAlpha().toColourspace('srgb').raw().toBuffer();
  const channels = rgb.length / (matte.width * matte.height);
  const rgba = Buffer.alloc(matte.width * matte.height * 4);
  for (let i = 0; i < matte.width * matte.height; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = rgb[i * channels + (channels >= 3 ? c : 0)]!;
    rgba[i * 4 + 3] = matte.alpha[i]!;
  }
  return sharp(rgba, { raw: { width: matte.width, height: matte.height, channels: 4 } })
    .png()
    .toBuffer();
}
