import { extname } from 'node:path';
import { ImageRawBase, type ImageRawData, type LineImage, type SizeOption } from '@gutenye/ocr-common';
import sharp, { type FormatEnum, type Sharp } from 'sharp';

async function toRaw(image: Sharp): Promise<ImageRawData> {
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

const toSharp = (raw: ImageRawData) =>
  sharp(Buffer.from(raw.data), { raw: { width: raw.width, height: raw.height, channels: 4 } });

/**
 * The RGBA image type PP-OCR's pipeline (`@gutenye/ocr-common`) works on, backed by sharp. Same
 * behaviour as `@gutenye/ocr-node`'s, which is not used because it registers a backend that
 * creates its own ONNX sessions outside our registry.
 */
export class OcrImage extends ImageRawBase {
  static async open(input: string | Buffer): Promise<OcrImage> {
    return new OcrImage(await toRaw(sharp(input).toColourspace('srgb').ensureAlpha(1)));
  }

  async write(path: string): Promise<unknown> {
    return toSharp(this)
      .toFormat(extname(path).slice(1) as keyof FormatEnum)
      .toFile(path);
  }

  async resize(size: SizeOption): Promise<this> {
    return this.apply(toSharp(this).resize({ width: size.width, height: size.height, fit: 'contain' }));
  }

  async drawBox(lineImages: LineImage[]): Promise<this> {
    const polygons = lineImages
      .map(
        ({ box }) => `<polygon points="${box.map((p) => p.join(',')).join(' ')}" fill="none" stroke="red"/>`,
      )
      .join('');
    const svg = `<svg width="${this.width}" height="${this.height}">${polygons}</svg>`;
    return this.apply(toSharp(this).composite([{ input: Buffer.from(svg), left: 0, top: 0 }]));
  }

  private async apply(image: Sharp): Promise<this> {
    const raw = await toRaw(image);
    this.data = raw.data;
    this.width = raw.width;
    this.height = raw.height;
    return this;
  }
}
