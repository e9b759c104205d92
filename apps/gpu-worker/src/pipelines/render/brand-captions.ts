import type { BrandSnapshot } from '@clapboard/shared/campaigns';
import { fontFamily } from './brand-kit';

/**
 * Brand text burned into shots and cards as one ASS document per shot, drawn by libass in the
 * shot's FFmpeg pass (with the kit's fonts from `fontsdir`): the spoken lines in the kit's caption
 * style, the lower third on the first scene, a card's line. The canvas is the frame itself
 * (`PlayResX/Y` = its pixels), so sizes are shares of the frame as the kit states them.
 */

/** A line on screen, in seconds from the start of the shot. */
export interface ShotLine {
  startSec: number;
  endSec: number;
  text: string;
}

/** The renderer's default face when the kit names none (what unbranded subtitles use). */
export const DEFAULT_FONT = 'DejaVu Sans';

/** `#rrggbb` and an opacity as an ASS colour, `&HAABBGGRR` (alpha 00 is opaque). */
export function assColor(hex: string, opacity = 1): string {
  const h = hex.replace('#', '');
  const alpha = Math.round((1 - Math.min(1, Math.max(0, opacity))) * 255);
  const hx = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
  return `&H${hx(alpha)}${h.slice(4, 6)}${h.slice(2, 4)}${h.slice(0, 2)}`.toUpperCase();
}

/** ASS time, `H:MM:SS.cc`. */
function assTime(sec: number): string {
  const cs = Math.max(0, Math.round(sec * 100));
  const h = Math.floor(cs / 360_000);
  const m = Math.floor((cs % 360_000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${h}:${pad(m)}:${pad(s)}.${pad(cs % 100)}`;
}

/** Text for an event: override braces and backslashes neutralised, newlines as `\N`. */
const assText = (s: string) =>
  s
    .replace(/\\/g, '/')
    .replace(/[{}]/g, (c) => (c === '{' ? '(' : ')'))
    .replace(/\s*\n\s*/g, '\\N')
    .trim();

interface Style {
  name: string;
  font: string;
  size: number;
  color: string;
  /** Box colour (BorderStyle 3) or outline colour. */
  box: string;
  boxed: boolean;
  outline: number;
  alignment: number;
  marginL: number;
  marginR: number;
  marginV: number;
  bold?: boolean;
}

const styleLine = (s: Style) =>
  `Style: ${s.name},${s.font},${Math.round(s.size)},${s.color},${s.color},${s.box},${s.box},${s.bold ? -1 : 0},0,0,0,100,100,0,0,${s.boxed ? 3 : 1},${s.outline.toFixed(1)},0,${s.alignment},${Math.round(s.marginL)},${Math.round(s.marginR)},${Math.round(s.marginV)},1`;

function document(width: number, height: number, styles: Style[], events: string[]): string {
  return [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${width}`,
    `PlayResY: ${height}`,
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    ...styles.map(styleLine),
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    ...events,
    '',
  ].join('\n');
}

const event = (style: string, from: number, to: number, text: string, layer = 0) =>
  `Dialogue: ${layer},${assTime(from)},${assTime(to)},${style},,0,0,0,,${text}`;

/**
 * The ASS document of one branded shot: its `lines` (null: subtitles not burned) in the kit's
 * caption style, and the kit's lower third when `lowerThird` (the first scene) and the kit has one.
 * Captions sit where unbranded ones do (clear of the frame's caption strip) unless the kit places
 * them in the middle or at the top; their box takes the kit's colour and opacity (0: an outline
 * only). Null when there is nothing to draw.
 */
export function brandedShotAss(o: {
  brand: BrandSnapshot;
  width: number;
  height: number;
  durationSec: number;
  lines: readonly ShotLine[] | null;
  lowerThird: boolean;
}): string | null {
  const { brand, width: W, height: H } = o;
  const s = brand.style;
  const short = Math.min(W, H);
  const styles: Style[] = [];
  const events: string[] = [];
  if (o.lines?.length) {
    const c = s.captionStyle;
    const size = c.size * H;
    const boxed = c.backgroundOpacity > 0;
    styles.push({
      name: 'Caption',
      font: fontFamily(brand, c.fontId) ?? DEFAULT_FONT,
      size,
      color: assColor(c.color),
      box: assColor(c.background, boxed ? c.backgroundOpacity : 1),
      boxed,
      outline: boxed ? size * 0.22 : Math.max(1, size * 0.06),
      alignment: c.position === 'top' ? 8 : c.position === 'middle' ? 5 : 2,
      marginL: W * 0.06,
      marginR: W * 0.06,
      marginV: c.position === 'top' ? short * 0.14 : c.position === 'middle' ? 0 : short * 0.23,
    });
    for (const l of o.lines)
      events.push(
        event('Caption', l.startSec, l.endSec, assText(c.uppercase ? l.text.toUpperCase() : l.text)),
      );
  }
  const lt = s.lowerThird;
  if (o.lowerThird && lt.enabled && (lt.title || lt.subtitle)) {
    const font = fontFamily(brand, s.headingFontId) ?? DEFAULT_FONT;
    const titleSize = short * 0.055;
    const subSize = short * 0.036;
    const base = short * 0.36;
    const from = Math.min(lt.startSec, Math.max(0, o.durationSec - 0.5));
    const to = Math.min(o.durationSec, lt.startSec + lt.durationSec);
    const common = { font, alignment: 1, marginL: W * 0.05, marginR: W * 0.05, boxed: true };
    if (lt.subtitle) {
      styles.push({
        ...common,
        name: 'LowerSub',
        size: subSize,
        color: assColor(s.palette.text),
        box: assColor(s.palette.secondary),
        outline: subSize * 0.3,
        marginV: base,
      });
      events.push(event('LowerSub', from, to, `{\\fad(250,250)}${assText(lt.subtitle)}`, 1));
    }
    if (lt.title) {
      styles.push({
        ...common,
        name: 'LowerTitle',
        size: titleSize,
        color: assColor(s.palette.text),
        box: assColor(s.palette.primary),
        outline: titleSize * 0.3,
        marginV: lt.subtitle ? base + subSize * 1.9 : base,
        bold: true,
      });
      events.push(event('LowerTitle', from, to, `{\\fad(250,250)}${assText(lt.title)}`, 1));
    }
  }
  return events.length ? document(W, H, styles, events) : null;
}

/** The ASS document of a brand card's line: large, centred below the logo, in the heading font. */
export function cardAss(o: {
  brand: BrandSnapshot;
  width: number;
  height: number;
  durationSec: number;
  text: string;
  /** Where the line's centre sits, as a share of the height. */
  atShare: number;
}): string | null {
  if (!o.text.trim()) return null;
  const { brand, width: W, height: H } = o;
  const size = Math.min(W, H) * 0.075;
  const style: Style = {
    name: 'Card',
    font: fontFamily(brand, brand.style.headingFontId) ?? DEFAULT_FONT,
    size,
    color: assColor(brand.style.palette.text),
    box: assColor(brand.style.palette.background),
    boxed: false,
    outline: 0,
    alignment: 5,
    marginL: W * 0.08,
    marginR: W * 0.08,
    marginV: 0,
    bold: true,
  };
  const text = `{\\an5\\pos(${Math.round(W / 2)},${Math.round(H * o.atShare)})}${assText(o.text)}`;
  return document(W, H, [style], [event('Card', 0, o.durationSec + 1, text)]);
}
