import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from '@clapboard/server/storage';
import type { BrandSnapshot } from '@clapboard/shared/campaigns';
import { brandedShotAss, type ShotLine } from './brand-captions';
import { brandFontsDir, brandLogo, logoPlacement, logoPng } from './brand-kit';
import type { ShotOutput } from './render-shot';

/** A kit's files as one step fetched them: its fonts folder and its logo, read once per step. */
export interface BrandFiles {
  brand: BrandSnapshot;
  /** Folder of the kit's fonts for FFmpeg's `fontsdir` (undefined: the kit has none). */
  fontsDir?: string;
  logo: { bytes: Buffer; format: 'svg' | 'png'; width: number } | null;
  dir: string;
}

/**
 * Fetches what a step draws of the kit into `dir`: the fonts (checked against their pinned hashes)
 * and the logo.
 *
 * @throws UnrecoverableError when a font or the logo changed or went since submit
 */
export async function brandFiles(
  store: BlobStore,
  brand: BrandSnapshot,
  jobId: string,
  dir: string,
): Promise<BrandFiles> {
  const fontsDir = brand.fonts.length ? await brandFontsDir(store, brand, dir) : undefined;
  const logo =
    brand.style.logoPlacement !== 'none' || brand.style.introCard.enabled || brand.style.outroCard.enabled
      ? await brandLogo(store, brand, jobId)
      : null;
  return {
    brand,
    ...(fontsDir ? { fontsDir } : {}),
    logo:
      logo && brand.logo ? { bytes: logo.bytes, format: brand.logo.format, width: brand.logo.width } : null,
    dir,
  };
}

/**
 * The kit's part of one shot output: its burned lines in the kit's caption style and, on the
 * first scene, the lower third (one ASS document drawn with the kit's fonts), and the logo in its
 * corner at the frame's scale. `tag` keeps the files of several outputs of one step apart.
 */
export async function brandShotExtras(
  files: BrandFiles,
  o: {
    width: number;
    height: number;
    durationSec: number;
    /** Lines to burn in (shot-relative), or null when subtitles are not burned. */
    lines: readonly ShotLine[] | null;
    firstScene: boolean;
    tag: string;
  },
): Promise<Pick<ShotOutput, 'ass' | 'logo'>> {
  const extras: Pick<ShotOutput, 'ass' | 'logo'> = {};
  const ass = brandedShotAss({
    brand: files.brand,
    width: o.width,
    height: o.height,
    durationSec: o.durationSec,
    lines: o.lines,
    lowerThird: o.firstScene,
  });
  if (ass) {
    const file = join(files.dir, `brand-${o.tag}.ass`);
    await writeFile(file, ass);
    extras.ass = { file, ...(files.fontsDir ? { fontsDir: files.fontsDir } : {}) };
  }
  const place = logoPlacement(files.brand, o.width, o.height);
  if (place && files.logo) {
    const file = await logoPng(
      files.logo.bytes,
      files.logo.format,
      place,
      join(files.dir, `logo-${o.tag}.png`),
      files.logo,
    );
    extras.logo = { file, x: place.x, y: place.y };
  }
  return extras;
}
