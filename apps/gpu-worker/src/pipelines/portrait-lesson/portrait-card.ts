import sharp from 'sharp';
import { type FaceRig, mapRig } from './face-rig';

/** The presenter as drawn: an RGB crop of the portrait at the card's size, and its face rig. */
export interface PortraitCard {
  rgb: Uint8Array;
  width: number;
  height: number;
  rig: FaceRig;
}

/**
 * Crops the portrait to a head-and-shoulders frame around the face at the card's aspect (the face
 * about 40 % of the card's height, a little above its middle), kept inside the image, and scales
 * it to `width` × `height`.
 *
 * @param portrait the portrait as `normalizePortrait` made it (upright, bounded)
 * @param rig the face in the portrait's pixels
 */
export async function portraitCard(
  portrait: Buffer | string,
  rig: FaceRig,
  width: number,
  height: number,
): Promise<PortraitCard> {
  const image = sharp(portrait);
  const meta = await image.metadata();
  const iw = meta.width ?? 0;
  const ih = meta.height ?? 0;
  const aspect = width / height;
  let ch = Math.min(rig.box.height / 0.4, ih, iw / aspect);
  let cw = ch * aspect;
  if (cw > iw) {
    cw = iw;
    ch = cw / aspect;
  }
  const fx = rig.box.x + rig.box.width / 2;
  const fy = rig.box.y + rig.box.height / 2;
  const left = Math.round(Math.max(0, Math.min(iw - cw, fx - cw / 2)));
  const top = Math.round(Math.max(0, Math.min(ih - ch, fy - ch * 0.42)));
  const scale = width / Math.round(cw);
  const { data } = await image
    .extract({ left, top, width: Math.round(cw), height: Math.round(ch) })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data), width, height, rig: mapRig(rig, { x: left, y: top }, scale) };
}

/** Longest side of the portrait the render works from (larger photos are scaled down first). */
export const PORTRAIT_MAX_SIDE = 1600;

/**
 * The portrait upright (EXIF orientation applied) and at most PORTRAIT_MAX_SIDE on its longest
 * side, as PNG: the face is found and the card cut on these same pixels.
 */
export function normalizePortrait(input: Buffer | string): Promise<Buffer> {
  return sharp(input)
    .rotate()
    .resize(PORTRAIT_MAX_SIDE, PORTRAIT_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .png({ compressionLevel: 1 })
    .toBuffer();
}
