/// <reference path="./fontkit.d.ts" />
import * as fontkit from 'fontkit';

export type { Font } from 'fontkit';

/** Parses a font file (TTF, OTF, WOFF2; a collection comes back as `{ type: 'TTC' }`). Throws when unreadable. */
export function parseFont(bytes: Uint8Array): fontkit.Font | { type: 'TTC' | 'DFont' } {
  return fontkit.create(bytes);
}

/** True when `font` draws every character of `text` (spaces and line breaks aside). */
export function drawsText(font: fontkit.Font, text: string): boolean {
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp > 0x20 && !font.hasGlyphForCodePoint(cp)) return false;
  }
  return true;
}

/**
 * `text` set in `font` at `size` px as SVG path data (kerning and ligatures as the font lays them
 * out), from x = 0 with its baseline at y = 0, and its advance width in px. A renderer then needs
 * no font installed: librsvg draws outlines, not names. Null when the font lacks a glyph for one
 * of its characters (the caller falls back to a face it has).
 */
export function textOutline(
  font: fontkit.Font,
  text: string,
  size: number,
): { d: string; width: number } | null {
  if (!drawsText(font, text)) return null;
  const k = size / font.unitsPerEm;
  const run = font.layout(text);
  const parts: string[] = [];
  let x = 0;
  run.glyphs.forEach((glyph, i) => {
    const at = run.positions[i]!;
    const d = glyph.path
      .scale(k, -k)
      .translate(x + at.xOffset * k, -at.yOffset * k)
      .toSVG();
    if (d) parts.push(d);
    x += at.xAdvance * k;
  });
  return { d: parts.join(' '), width: x };
}
