import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFont } from '@clapboard/server/fonts';
import type { BlobStore } from '@clapboard/server/storage';
import type { BrandSnapshot } from '@clapboard/shared/campaigns';
import { UnrecoverableError } from 'bullmq';
import sharp from 'sharp';
import type { FrameFont, FrameTextColors } from './compose-frame';

/**
 * A render's brand kit, as the API pinned it into the payload (`brand`), and what the render steps
 * need from it: the kit's fonts in a folder FFmpeg's subtitles filter reads (`fontsdir`), the logo
 * as a PNG at the frame's scale, its corner, and the parts of the kit each step's cache key holds.
 */

/** The brand kit a render job pinned, if its project's campaign has one. */
export function brandOf(params: { brand?: BrandSnapshot | null }): BrandSnapshot | null {
  return params.brand ?? null;
}

async function blobBytes(store: BlobStore, key: string): Promise<Buffer | null> {
  const obj = await store.get(key);
  return obj ? Buffer.from(await new Response(obj.body).arrayBuffer()) : null;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The hash of a kit font (pinned with the job; what cache keys name), or null. */
export function fontSha(brand: BrandSnapshot | null, fontId: string | null): string | null {
  return brand?.fonts.find((f) => f.id === fontId)?.sha256 ?? null;
}

/** The family name FFmpeg and libass look a kit font up by, or null for the default. */
export function fontFamily(brand: BrandSnapshot | null, fontId: string | null): string | null {
  return brand?.fonts.find((f) => f.id === fontId)?.family ?? null;
}

/**
 * Writes the kit's fonts (TTF, OTF or WOFF2) into `<dir>/fonts`, each checked against the hash
 * pinned at submit, and returns that folder for FFmpeg's `fontsdir` (libass loads every font in
 * it, so the kit's families resolve without installing anything).
 *
 * @throws UnrecoverableError when a font is gone or changed since the render was submitted
 */
export async function brandFontsDir(store: BlobStore, brand: BrandSnapshot, dir: string): Promise<string> {
  const fonts = join(dir, 'fonts');
  await mkdir(fonts, { recursive: true });
  for (const f of brand.fonts) {
    const bytes = await blobBytes(store, f.storageKey);
    if (!bytes || sha256(bytes) !== f.sha256)
      throw new UnrecoverableError(
        `The brand kit's font "${f.family}" was ${bytes ? 'changed' : 'removed'} after this render was submitted; render again.`,
      );
    await writeFile(join(fonts, `${f.id}.${f.format}`), bytes);
  }
  return fonts;
}

/** Parsed kit fonts by hash: a font is read and parsed once per worker, not once per frame. */
const parsedFonts = new Map<string, Promise<FrameFont>>();
const MAX_PARSED_FONTS = 16;

/**
 * The kit's heading font for frames' text (heading bar and caption strip), read once per worker
 * and checked against the hash pinned at submit; undefined when the kit names none.
 *
 * @throws UnrecoverableError when the font changed or went since submit, or cannot be parsed
 */
export function frameFont(store: BlobStore, brand: BrandSnapshot | null): Promise<FrameFont | undefined> {
  const f = brand?.fonts.find((x) => x.id === brand.style.headingFontId);
  if (!f) return Promise.resolve(undefined);
  let parsed = parsedFonts.get(f.sha256);
  if (!parsed) {
    parsed = (async () => {
      const bytes = await blobBytes(store, f.storageKey);
      if (!bytes || sha256(bytes) !== f.sha256)
        throw new UnrecoverableError(
          `The brand kit's font "${f.family}" was ${bytes ? 'changed' : 'removed'} after this render was submitted; render again.`,
        );
      const font = parseFont(bytes);
      if (!('layout' in font))
        throw new UnrecoverableError(`The brand kit's font "${f.family}" is a collection; upload one face.`);
      return { sha256: f.sha256, font };
    })();
    parsed.catch(() => parsedFonts.delete(f.sha256));
    parsedFonts.set(f.sha256, parsed);
    if (parsedFonts.size > MAX_PARSED_FONTS) parsedFonts.delete(parsedFonts.keys().next().value as string);
  }
  return parsed;
}

const logoHashes = new Map<string, Promise<string>>();

/**
 * The logo's bytes and their hash (what cache keys name), read once per job and blob key.
 *
 * @throws UnrecoverableError when the logo is gone
 */
export async function brandLogo(
  store: BlobStore,
  brand: BrandSnapshot,
  jobId: string,
): Promise<{ bytes: Buffer; sha256: string } | null> {
  if (!brand.logo) return null;
  const bytes = await blobBytes(store, brand.logo.storageKey);
  if (!bytes)
    throw new UnrecoverableError(
      "The brand kit's logo was removed after this render was submitted; render again.",
    );
  const hash = sha256(bytes);
  logoHashes.set(`${jobId}|${brand.logo.storageKey}`, Promise.resolve(hash));
  return { bytes, sha256: hash };
}

/** The logo's hash for cache keys (null without a logo), read once per job. */
export function logoSha(
  store: BlobStore,
  brand: BrandSnapshot | null,
  jobId: string,
): Promise<string | null> {
  if (!brand?.logo) return Promise.resolve(null);
  const key = `${jobId}|${brand.logo.storageKey}`;
  let hit = logoHashes.get(key);
  if (!hit) {
    hit = brandLogo(store, brand, jobId).then((l) => l!.sha256);
    logoHashes.set(key, hit);
    hit.catch(() => logoHashes.delete(key));
    if (logoHashes.size > 200) logoHashes.delete(logoHashes.keys().next().value as string);
  }
  return hit;
}

/** Where the logo goes on a frame and how big: in a box of 22 % × 12 % of it, 4 % of the short side in. */
export function logoPlacement(
  brand: BrandSnapshot,
  width: number,
  height: number,
): { x: number; y: number; width: number; height: number } | null {
  const placement = brand.style.logoPlacement;
  if (!brand.logo || placement === 'none') return null;
  const short = Math.min(width, height);
  const scale = Math.min((0.22 * width) / brand.logo.width, (0.12 * height) / brand.logo.height);
  const w = Math.max(2, 2 * Math.round((brand.logo.width * scale) / 2));
  const h = Math.max(2, 2 * Math.round((brand.logo.height * scale) / 2));
  const margin = Math.round(0.04 * short);
  const right = placement.endsWith('right');
  const bottom = placement.startsWith('bottom');
  return {
    x: right ? width - margin - w : margin,
    y: bottom ? height - margin - h : margin,
    width: w,
    height: h,
  };
}

/**
 * The logo (SVG rasterized at the size it is drawn, or PNG) as a PNG with alpha of exactly
 * `width`×`height`, written to `file`.
 */
export async function logoPng(
  logo: Buffer,
  format: 'svg' | 'png',
  size: { width: number; height: number },
  file: string,
  intrinsic: { width: number },
): Promise<string> {
  // An SVG is drawn at the density that gives the target size, not scaled up from 72 dpi.
  const density =
    format === 'svg' ? Math.min(2400, Math.max(72, (72 * size.width) / intrinsic.width)) : undefined;
  await sharp(logo, density ? { density } : {})
    .resize(size.width, size.height, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .ensureAlpha()
    .png()
    .toFile(file);
  return file;
}

/** A kit's colours for a composed frame's text strips and letterboxing. */
export function frameColors(
  brand: BrandSnapshot | null,
): (FrameTextColors & { background: string }) | undefined {
  if (!brand) return undefined;
  const p = brand.style.palette;
  return { strip: p.secondary, text: p.text, background: p.background };
}

/** What of the kit a shot shows (part of the shot's cache key); undefined without a kit. */
export async function shotBrandKey(
  store: BlobStore,
  brand: BrandSnapshot | null,
  jobId: string,
  o: { burn: boolean; firstScene: boolean },
): Promise<Record<string, unknown> | undefined> {
  if (!brand) return undefined;
  const s = brand.style;
  const lowerThird = o.firstScene && s.lowerThird.enabled;
  return {
    caption: o.burn ? { style: s.captionStyle, font: fontSha(brand, s.captionStyle.fontId) } : null,
    lowerThird: lowerThird
      ? { ...s.lowerThird, palette: s.palette, font: fontSha(brand, s.headingFontId) }
      : null,
    logo:
      s.logoPlacement === 'none' ? null : { at: s.logoPlacement, sha: await logoSha(store, brand, jobId) },
  };
}

/** What of the kit the cards show (part of the assembly's cache key); undefined without a kit. */
export async function cardsBrandKey(
  store: BlobStore,
  brand: BrandSnapshot | null,
  jobId: string,
): Promise<Record<string, unknown> | undefined> {
  if (!brand || (!brand.style.introCard.enabled && !brand.style.outroCard.enabled)) return undefined;
  const s = brand.style;
  return {
    intro: s.introCard.enabled ? { sec: s.introCard.durationSec, text: brand.introText } : null,
    outro: s.outroCard.enabled ? { sec: s.outroCard.durationSec, text: brand.outroText } : null,
    palette: s.palette,
    font: fontSha(brand, s.headingFontId),
    logo: await logoSha(store, brand, jobId),
  };
}
