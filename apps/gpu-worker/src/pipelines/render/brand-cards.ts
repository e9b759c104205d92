import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { saveJobFile } from '@clapboard/server/assets';
import { toFrames } from '@clapboard/shared/render-timing';
import sharp, { type OverlayOptions } from 'sharp';
import type { StepContext } from '../../jobs/pipeline';
import { readCachedStep, stepCacheKey, writeCachedStep } from '../../jobs/step-cache';
import type { FilmShot } from './assemble-film';
import { cardAss } from './brand-captions';
import { fontSha, logoPng, logoSha } from './brand-kit';
import type { BrandFiles } from './brand-shot';
import type { RenderDeps } from './render-context';
import { renderShot } from './render-shot';

/**
 * A card's length in the film: the kit's, at least two transitions and two frames (so it can be
 * cut for its transitions), in whole frames (seconds).
 */
export function cardSeconds(card: { durationSec: number }, transitionSec: number, fps: number): number {
  return toFrames(Math.max(card.durationSec, 2 * transitionSec + 2 / fps), fps) / fps;
}

/**
 * A brand kit's intro or outro card as a shot of the film: the palette's background, the logo
 * centred above the card's line (the campaign's name, the brief's call to action, or the kit's
 * own text) in the heading font with an accent bar under it, cut for the transitions like a
 * scene's shot. Kept under a content address (kit parts, size, length, encoder), so a re-render
 * fetches it. Its length is the kit's, at least two transitions and two frames (so it can be cut).
 */
export async function brandCard(
  ctx: StepContext<never>,
  deps: Pick<RenderDeps, 'store' | 'encoder' | 'quality'>,
  o: {
    files: BrandFiles;
    which: 'intro' | 'outro';
    width: number;
    height: number;
    fps: number;
    transitionSec: number;
    /** Job type the card is kept under. */
    cacheType: string;
    /** Folder for its files (default the step's scratch folder). */
    dir?: string;
  },
): Promise<FilmShot | null> {
  const { brand } = o.files;
  const card = o.which === 'intro' ? brand.style.introCard : brand.style.outroCard;
  if (!card.enabled) return null;
  const text = o.which === 'intro' ? brand.introText : brand.outroText;
  const T = o.transitionSec;
  const D = cardSeconds(card, T, o.fps);
  const encoder = await deps.encoder();
  const input = {
    text,
    durationSec: D,
    palette: brand.style.palette,
    font: fontSha(brand, brand.style.headingFontId),
    logo: await logoSha(deps.store, brand, ctx.jobId),
    size: [o.width, o.height],
    fps: o.fps,
    transitionSec: T,
    encoder,
    quality: deps.quality,
  };
  const key = stepCacheKey(ctx.projectId, o.cacheType, 'brand-card', 1, input);
  const sha256 = createHash('sha256').update(key).digest('hex');
  const shot = (parts: Map<string, string | undefined>): FilmShot => ({
    body: parts.get('body')!,
    head: parts.get('head'),
    tail: parts.get('tail'),
    durationSec: D,
    sha256,
    voiceAssetId: null,
    lines: [],
    frameAssetId: null,
  });
  const hit = await readCachedStep(ctx.sql, key);
  if (hit?.outputs.some((x) => x.name === 'body'))
    return shot(new Map(hit.outputs.map((x) => [x.name, x.assetId])));

  const { width: W, height: H } = o;
  const dir = o.dir ?? ctx.scratchDir;
  const p = brand.style.palette;
  const layers: OverlayOptions[] = [];
  const logo = o.files.logo;
  if (logo && brand.logo) {
    const scale = Math.min((0.5 * W) / brand.logo.width, (0.26 * H) / brand.logo.height);
    const size = {
      width: Math.max(2, Math.round(brand.logo.width * scale)),
      height: Math.max(2, Math.round(brand.logo.height * scale)),
    };
    const file = await logoPng(logo.bytes, logo.format, size, join(dir, `card-logo-${o.which}.png`), logo);
    layers.push({
      input: file,
      left: Math.round((W - size.width) / 2),
      top: Math.round(H * 0.36 - size.height / 2),
    });
  }
  const textAt = logo ? 0.6 : 0.5;
  const barW = Math.round(W * 0.18);
  const barH = Math.max(4, Math.round(H * 0.012));
  layers.push({
    input: Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect x="${Math.round((W - barW) / 2)}" y="${Math.round(H * (textAt + 0.09))}" width="${barW}" height="${barH}" fill="${p.primary}"/></svg>`,
    ),
    left: 0,
    top: 0,
  });
  const frame = join(dir, `card-${o.which}.png`);
  await sharp({ create: { width: W, height: H, channels: 3, background: p.background } })
    .composite(layers)
    .png()
    .toFile(frame);
  const ass = cardAss({ brand, width: W, height: H, durationSec: D, text, atShare: textAt });
  const assFile = join(dir, `card-${o.which}.ass`);
  if (ass) await writeFile(assFile, ass);
  const split = T > 0;
  const out = join(dir, split ? `card-${o.which}-%d.mp4` : `card-${o.which}.mp4`);
  await renderShot({
    frame,
    out,
    width: W,
    height: H,
    durationSec: D,
    camera: 'static',
    splitAt: split ? [T, D - T] : [],
    ...(ass ? { ass: { file: assFile, ...(o.files.fontsDir ? { fontsDir: o.files.fontsDir } : {}) } } : {}),
    fps: o.fps,
    encoder,
    quality: deps.quality,
    scratchDir: dir,
    signal: ctx.signal,
  });
  const files = split
    ? ([
        ['head', join(dir, `card-${o.which}-0.mp4`)],
        ['body', join(dir, `card-${o.which}-1.mp4`)],
        ['tail', join(dir, `card-${o.which}-2.mp4`)],
      ] as const)
    : ([['body', out]] as const);
  const outputs: Array<{ name: string; assetId: string }> = [];
  for (const [name, file] of files) {
    // A kept piece, as transitions are: not removed if the assembly fails.
    const assetId = await saveJobFile(ctx.sql, deps.store, {
      projectId: ctx.projectId,
      jobId: ctx.jobId,
      file,
      kind: 'video',
      mime: 'video/mp4',
      name: `${o.which}-card-${name}.mp4`,
    });
    outputs.push({ name, assetId });
  }
  await writeCachedStep(ctx.sql, ctx.projectId, key, 'brand-card', { outputs });
  return shot(new Map(outputs.map((x) => [x.name, x.assetId])));
}
