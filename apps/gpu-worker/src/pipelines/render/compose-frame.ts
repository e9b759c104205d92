import { type Font, textOutline } from '@clapboard/server/fonts';
import type { Shot } from '@clapboard/shared/document';
import sharp, { type OverlayOptions } from 'sharp';
import { drawBackground, type SceneLook, seededRandom } from './draw-background';

/** A character in the frame: a cut-out (PNG with alpha) or, without one, a drawn silhouette. */
export interface FrameCharacter {
  name: string;
  cutout?: Buffer;
}

export interface ComposeFrameOptions {
  width: number;
  height: number;
  shot: Shot;
  look: SceneLook;
  /** Shown small at the top (the scene heading). */
  heading: string;
  /** The caption strip's text (the scene's action line); empty: no strip. */
  caption: string;
  characters: FrameCharacter[];
  /** A chosen background image (any format sharp reads); default a drawn one. */
  background?: Buffer;
  /**
   * Seeds the picture: the drawn background, where the characters stand and how large, and the
   * crop of a chosen background. Default 1.
   */
  seed?: number;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Greedy word wrap to `maxChars` per line, at most `maxLines` (the last one ellipsized). */
export function wrapText(text: string, maxChars: number, maxLines: number): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ').filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (next.length <= maxChars || !line) line = next.slice(0, Math.max(maxChars, 1));
    else {
      lines.push(line);
      line = word.slice(0, maxChars);
    }
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${kept[maxLines - 1]!.slice(0, Math.max(1, maxChars - 1)).trimEnd()}…`;
    return kept;
  }
  return lines;
}

/** How tall each character stands (fraction of frame height) and where the feet are, per shot. */
const FRAMING: Record<Shot, { height: number; feet: number; spread: number }> = {
  wide: { height: 0.42, feet: 0.8, spread: 0.6 },
  medium: { height: 0.85, feet: 1.15, spread: 0.5 },
  close: { height: 1.5, feet: 1.75, spread: 0.45 },
};

function silhouetteSvg(w: number, h: number, hue: number): Buffer {
  const head = w * 0.22;
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><g fill="hsl(${hue},35%,28%)">` +
      `<circle cx="${w / 2}" cy="${head * 1.1}" r="${head}"/>` +
      `<path d="M ${w * 0.12} ${h} Q ${w * 0.1} ${head * 2.4} ${w / 2} ${head * 2.3} Q ${w * 0.9} ${head * 2.4} ${w * 0.88} ${h} Z"/></g></svg>`,
  );
}

/** A cut-out scaled to `height`, its transparent margins trimmed first so the person fills it. */
async function cutoutAt(cutout: Buffer, height: number): Promise<Buffer> {
  const meta = await sharp(cutout).metadata();
  const trimmed = meta.hasAlpha ? await sharp(cutout).trim({ threshold: 8 }).png().toBuffer() : cutout;
  return sharp(trimmed).resize({ height }).png().toBuffer();
}

/** Crops an overlay to the part inside the canvas (sharp refuses overlays that stick out). */
async function clipped(
  image: Buffer,
  left: number,
  top: number,
  canvasW: number,
  canvasH: number,
): Promise<OverlayOptions | null> {
  const meta = await sharp(image).metadata();
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  const x0 = Math.max(0, left);
  const y0 = Math.max(0, top);
  const x1 = Math.min(canvasW, left + w);
  const y1 = Math.min(canvasH, top + h);
  if (x1 <= x0 || y1 <= y0) return null;
  const input = await sharp(image)
    .extract({ left: x0 - left, top: y0 - top, width: x1 - x0, height: y1 - y0 })
    .png()
    .toBuffer();
  return { input, left: x0, top: y0 };
}

/** A chosen background covering the frame, cropped a little differently per seed (up to 20 % closer). */
async function chosenBackground(image: Buffer, W: number, H: number, rand: () => number): Promise<Buffer> {
  const zoom = 1 + rand() * 0.2;
  const w = Math.round(W * zoom);
  const h = Math.round(H * zoom);
  return sharp(image)
    .resize(w, h, { fit: 'cover' })
    .extract({
      left: Math.floor(rand() * (w - W)),
      top: Math.floor(rand() * (h - H)),
      width: W,
      height: H,
    })
    .removeAlpha()
    .png()
    .toBuffer();
}

/**
 * A finished frame (one a frame job made and a user picked) at another output size: scaled to
 * fill when the aspect ratio matches, else fitted whole on `background` (default black) so its
 * caption is never cut off.
 *
 * @returns a PNG of exactly `width`×`height`
 */
export async function fitFrame(
  image: Buffer,
  width: number,
  height: number,
  background = '#000',
): Promise<Buffer> {
  const meta = await sharp(image).metadata();
  const same = Math.abs((meta.width ?? 1) / (meta.height ?? 1) - width / height) < 0.01;
  return sharp(image)
    .resize(width, height, { fit: same ? 'fill' : 'contain', background })
    .removeAlpha()
    .png({ compressionLevel: 3 })
    .toBuffer();
}

/** A person's place in a composed frame (pixels; the part inside the frame), in cast order. */
export interface FrameSubject {
  name: string;
  box: { x: number; y: number; width: number; height: number };
}

/** Colours of a frame's text strips; default the house look (white on dark). */
export interface FrameTextColors {
  /** The caption strip's fill and the heading bar's. */
  strip: string;
  text: string;
}

const HOUSE_TEXT: FrameTextColors = { strip: '#111', text: '#fff' };

/** A brand kit's heading font for a frame's text, parsed, with its hash (what cache keys name). */
export interface FrameFont {
  sha256: string;
  font: Font;
}

const HOUSE_FONT = 'DejaVu Sans, Liberation Sans, sans-serif';

/**
 * One line of a frame's text: in the kit's font as outlines (librsvg draws paths, so the font
 * needs no installing), or, without one or for a line it has no glyphs for, as text in the house
 * face. `bold` thickens the outlines by a stroke (a font file is one weight).
 */
function textLine(o: {
  text: string;
  x: number;
  baseline: number;
  size: number;
  anchor: 'start' | 'middle';
  bold: boolean;
  fill: string;
  font?: FrameFont;
}): string {
  const outline = o.font ? textOutline(o.font.font, o.text, o.size) : null;
  if (outline) {
    const left = o.anchor === 'middle' ? o.x - outline.width / 2 : o.x;
    const stroke = o.bold ? ` stroke="${o.fill}" stroke-width="${(o.size * 0.045).toFixed(2)}"` : '';
    return `<path transform="translate(${left.toFixed(2)},${o.baseline})" d="${outline.d}" fill="${o.fill}"${stroke}/>`;
  }
  const anchor = o.anchor === 'middle' ? ' text-anchor="middle"' : '';
  const weight = o.bold ? ' font-weight="bold"' : '';
  return `<text x="${o.x}" y="${o.baseline}"${anchor} font-family="${HOUSE_FONT}"${weight} font-size="${o.size}" fill="${o.fill}">${escapeXml(o.text)}</text>`;
}

/** Characters of the caption's size that fit a line `width` wide: measured in the kit's font, else estimated. */
function charsPerLine(width: number, size: number, font?: FrameFont): number {
  const sample = 'the quick brown fox jumps over a lazy dog';
  const measured = font ? textOutline(font.font, sample, size) : null;
  const average = measured ? measured.width / sample.length : size * 0.62;
  return Math.max(8, Math.floor(width / average));
}

/**
 * The picture of a composed frame without its text: the background and the people, with where
 * each person stands (`subjects`, in the order of `o.characters`), so a frame can be reframed to
 * another aspect with its people kept in view.
 */
async function plateLayers(
  o: ComposeFrameOptions,
): Promise<{ base: Buffer; layers: OverlayOptions[]; subjects: FrameSubject[] }> {
  const { width: W, height: H } = o;
  const seed = o.seed ?? 1;
  // Framing draws from its own stream, so it does not move in step with the background's.
  const rand = seededRandom((seed ^ 0x9e3779b9) >>> 0);
  const base = o.background
    ? await chosenBackground(o.background, W, H, rand)
    : Buffer.from(drawBackground(W, H, o.look, seed));
  const layers: OverlayOptions[] = [];
  const subjects: FrameSubject[] = [];

  const frame = FRAMING[o.shot];
  const cast = o.shot === 'close' ? o.characters.slice(0, 2) : o.characters.slice(0, 4);
  // The camera's choice per seed: the reverse angle on odd seeds (the group mirrored, a lone person
  // on the other third), the group a little off centre, a touch closer or wider than nominal.
  const people = seed % 2 === 0 ? cast : [...cast].reverse();
  const zoom = 0.92 + rand() * 0.16;
  const offset =
    people.length === 1 ? (seed % 2 === 0 ? 1 : -1) * (0.1 + rand() * 0.1) : (rand() * 2 - 1) * 0.08;
  const charH = Math.round(H * frame.height * zoom);
  const feet = H * (frame.feet + (zoom - 1) * 0.5);
  for (const [i, person] of people.entries()) {
    const image = person.cutout
      ? await cutoutAt(person.cutout, charH)
      : await sharp(silhouetteSvg(Math.round(charH * 0.55), charH, Math.round(rand() * 360)))
          .png()
          .toBuffer();
    const iw = (await sharp(image).metadata()).width ?? 0;
    // Spread people symmetrically around the group's centre.
    const slot = people.length === 1 ? 0 : (i / (people.length - 1) - 0.5) * frame.spread * 2;
    const cx = W / 2 + (slot * 0.5 + offset) * W;
    const left = Math.round(cx - iw / 2);
    const top = Math.round(feet - charH);
    const layer = await clipped(image, left, top, W, H);
    if (!layer) continue;
    layers.push(layer);
    const x0 = Math.max(0, left);
    const y0 = Math.max(0, top);
    subjects.push({
      name: person.name,
      box: { x: x0, y: y0, width: Math.min(W, left + iw) - x0, height: Math.min(H, top + charH) - y0 },
    });
  }
  // Cast order (who speaks first comes first), whichever side the camera shows them from.
  subjects.sort(
    (a, b) => cast.findIndex((c) => c.name === a.name) - cast.findIndex((c) => c.name === b.name),
  );
  return { base, layers, subjects };
}

/**
 * A frame's text as one SVG layer of `width`×`height`: the heading small at the top on a bar, and
 * a caption strip with the action line in large, high-contrast type so it reads on a phone and OCR
 * reads it back. Null when both are empty.
 */
export function frameTextSvg(
  width: number,
  height: number,
  heading: string,
  caption: string,
  colors: FrameTextColors = HOUSE_TEXT,
  font?: FrameFont,
): string | null {
  const W = width;
  const H = height;
  const scale = Math.min(W, H) / 720;
  const headingSize = Math.max(11, Math.round(22 * scale));
  const head = heading.slice(0, 80);
  const bar = colors === HOUSE_TEXT ? '#000' : colors.strip;
  const svg: string[] = [];
  if (head)
    svg.push(
      `<rect x="0" y="0" width="${W}" height="${Math.round(headingSize * 1.9)}" fill="${bar}" opacity="0.45"/>`,
      textLine({
        text: head,
        x: Math.round(headingSize * 0.8),
        baseline: Math.round(headingSize * 1.3),
        size: headingSize,
        anchor: 'start',
        bold: false,
        fill: colors.text,
        font,
      }),
    );
  if (caption.trim()) {
    const size = Math.max(14, Math.round(40 * scale));
    const lines = wrapText(caption, charsPerLine(W * 0.92, size, font), 2);
    const stripH = Math.round(size * (lines.length * 1.35 + 0.9));
    svg.push(
      `<rect x="0" y="${H - stripH}" width="${W}" height="${stripH}" fill="${colors.strip}" opacity="0.86"/>`,
    );
    lines.forEach((line, i) => {
      svg.push(
        textLine({
          text: line,
          x: W / 2,
          baseline: H - stripH + Math.round(size * (1.35 * i + 1.35)),
          size,
          anchor: 'middle',
          bold: true,
          fill: colors.text,
          font,
        }),
      );
    });
  }
  return svg.length
    ? `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${svg.join('')}</svg>`
    : null;
}

/**
 * Composes a storyboard frame without an image model: a background (the chosen image, else a
 * drawn room or skyline for INT/EXT and the time of day), the characters present as cut-outs
 * (or silhouettes) framed by shot type, and the heading and caption strip (`frameTextSvg`), in
 * the kit's colours when `colors` is given and its heading font when `font` is.
 *
 * @returns a PNG of exactly `width`×`height`
 */
export async function composeFrame(
  o: ComposeFrameOptions & { colors?: FrameTextColors; font?: FrameFont },
): Promise<Buffer> {
  const { base, layers } = await plateLayers(o);
  const text = frameTextSvg(o.width, o.height, o.heading, o.caption, o.colors, o.font);
  if (text) layers.push({ input: Buffer.from(text), left: 0, top: 0 });
  return sharp(base)
    .resize(o.width, o.height)
    .composite(layers)
    .removeAlpha()
    .png({ compressionLevel: 3 })
    .toBuffer();
}

/**
 * The picture of a composed frame without its heading and caption (a platform variant's plate,
 * reframed per aspect before its text is laid on), with where its people stand.
 *
 * @returns a PNG of exactly `width`×`height` and the people's boxes in cast order
 */
export async function composePlate(
  o: ComposeFrameOptions,
): Promise<{ png: Buffer; subjects: FrameSubject[] }> {
  const { base, layers, subjects } = await plateLayers(o);
  const png = await sharp(base)
    .resize(o.width, o.height)
    .composite(layers)
    .removeAlpha()
    .png({ compressionLevel: 3 })
    .toBuffer();
  return { png, subjects };
}
