import { createLogger } from '@clapboard/server/logger';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { characterErrorRate, maskIoU } from '../../test/quality';
import { createModelRegistry, type ModelRegistry } from '../models/model-registry';
import { createFaceDetector } from './detect-faces';
import { mattingSpec } from './matting-model';
import { ppocrSpecs } from './ocr-models';
import { createTextRecognizer } from './recognize-text';
import { removeBackground } from './remove-background';

const PHOTOS = '/usr/lib/python3/dist-packages/skimage/data/';
let registry: ModelRegistry;

beforeAll(() => {
  registry = createModelRegistry({
    device: { requested: 'cpu', provider: 'cpu', reason: null },
    log: createLogger('vision-test', { level: 'silent' }),
  });
  registry.register(mattingSpec());
  for (const spec of ppocrSpecs()) registry.register(spec);
});
afterAll(() => registry.close());

/**
 * A cut-out with a known alpha over a busy background: skimage's horse silhouette, filled with the
 * cat photo's fur, pasted on the gravel texture. The silhouette is the ground-truth matte.
 */
async function composite(): Promise<{ image: Buffer; truth: Uint8Array; width: number; height: number }> {
  const [W, H, w, h, left, top] = [512, 512, 320, 262, 96, 150];
  const mask = await sharp(`${PHOTOS}horse.png`)
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(w, h)
    .threshold(128)
    .negate()
    .extractChannel(0)
    .raw()
    .toBuffer();
  const fur = await sharp(`${PHOTOS}chelsea.png`)
    .resize(w, h, { fit: 'cover' })
    .removeAlpha()
    .raw()
    .toBuffer();
  const rgba = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    rgba.set([fur[i * 3]!, fur[i * 3 + 1]!, fur[i * 3 + 2]!, mask[i]!], i * 4);
  }
  const cutout = await sharp(rgba, { raw: { width: w, height: h, channels: 4 } })
    .png()
    .toBuffer();
  const image = await sharp(`${PHOTOS}gravel.png`)
    .resize(W, H)
    .toColourspace('srgb')
    .composite([{ input: cutout, left, top }])
    .png()
    .toBuffer();
  const truth = new Uint8Array(W * H);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) truth[(y + top) * W + x + left] = mask[y * w + x]!;
  return { image, truth, width: W, height: H };
}

describe('matting (IS-Net through the registry)', () => {
  it('recovers a known cut-out over a busy background with IoU >= 0.9', async () => {
    const { image, truth, width, height } = await composite();
    const png = await removeBackground(registry, image);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width, height, channels: 4 });
    const alpha = new Uint8Array(width * height).map((_, i) => data[i * 4 + 3]!);
    const iou = maskIoU(alpha, truth);
    console.info(`matting IoU ${iou.toFixed(3)}`);
    expect(iou).toBeGreaterThanOrEqual(0.9);
    // The cut-out keeps the source colours where it is opaque.
    const src = await sharp(image).removeAlpha().raw().toBuffer();
    const opaque = [...alpha.keys()].filter((i) => alpha[i]! > 250).slice(0, 2000);
    expect(opaque.every((i) => data[i * 4] === src[i * 3])).toBe(true);
    expect(registry.report().find((m) => m.name === 'imgly-isnet')).toMatchObject({ warm: true, runs: 1 });
  }, 60_000);
});

describe('OCR (PP-OCRv4 through the registry)', () => {
  it('reads a rendered slide with CER under 2%', async () => {
    const lines = ['Quarterly Review 2026', 'Revenue grew by 18 percent', 'Next steps: hire two editors'];
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="960" height="400">
      <rect width="100%" height="100%" fill="#ffffff"/>
      <text x="60" y="110" font-family="DejaVu Sans" font-size="52" font-weight="bold" fill="#1a1a2e">${lines[0]}</text>
      <text x="60" y="220" font-family="DejaVu Sans" font-size="40" fill="#333333">${lines[1]}</text>
      <text x="60" y="310" font-family="DejaVu Sans" font-size="40" fill="#333333">${lines[2]}</text>
    </svg>`;
    const slide = await sharp(Buffer.from(svg)).png().toBuffer();
    const recognizer = await createTextRecognizer(registry);
    const found = await recognizer.recognize(slide);
    const text = found.map((l) => l.text).join('\n');
    const cer = characterErrorRate(lines.join(' '), text.replace(/\n/g, ' '));
    console.info(`OCR: ${JSON.stringify(text)} CER ${(cer * 100).toFixed(2)}%`);
    expect(found).toHaveLength(3);
    expect(cer).toBeLessThan(0.02);
    // Top-to-bottom order with boxes on the slide.
    const tops = found.map((l) => Math.min(...l.box.map((p) => p[1])));
    expect([...tops].sort((a, b) => a - b)).toEqual(tops);
    expect(registry.report().find((m) => m.name === 'ppocr-v4-rec')).toMatchObject({ warm: true });
  }, 60_000);
});

describe('face detection (Human, TF.js WASM)', () => {
  it('finds the one face in the astronaut photo, with landmarks on it', async () => {
    const detector = await createFaceDetector();
    const faces = await detector.detect(`${PHOTOS}astronaut.png`);
    expect(faces).toHaveLength(1);
    const [face] = faces;
    expect(face!.score).toBeGreaterThan(0.8);
    // Eileen Collins' face sits around x 150–300, y 40–200 of the 512² photo.
    const cx = face!.box.x + face!.box.width / 2;
    const cy = face!.box.y + face!.box.height / 2;
    expect(cx).toBeGreaterThan(180);
    expect(cx).toBeLessThan(260);
    expect(cy).toBeGreaterThan(80);
    expect(cy).toBeLessThan(160);
    expect(face!.landmarks).toHaveLength(468);
    const inside = face!.landmarks.filter(
      ([x, y]) =>
        x >= face!.box.x - 5 &&
        x <= face!.box.x + face!.box.width + 5 &&
        y >= face!.box.y - 5 &&
        y <= face!.box.y + face!.box.height + 5,
    );
    expect(inside.length / 468).toBeGreaterThan(0.95);
    expect(await detector.detect(`${PHOTOS}gravel.png`)).toHaveLength(0);
    expect(detector.runs).toBe(2);
  });
});
