import { parseFont } from '@clapboard/server/fonts';
import type { FontFormat } from '@clapboard/shared/campaigns';

export interface FontFileInfo {
  format: FontFormat;
  family: string;
  style: string;
}

/** Why a font file was refused; the API answers 422 (or 415 for what is not a font at all). */
export class FontFileError extends Error {
  override name = 'FontFileError';
  constructor(
    readonly reason: 'not_a_font' | 'unreadable',
    message: string,
  ) {
    super(message);
  }
}

const tag = (b: Uint8Array) => String.fromCharCode(b[0] ?? 0, b[1] ?? 0, b[2] ?? 0, b[3] ?? 0);

/** The container a font file's first four bytes name: TrueType, OpenType (CFF) or WOFF2. */
export function fontFormatOf(bytes: Uint8Array): FontFormat | null {
  const t = tag(bytes);
  if (t === '\u0000\u0001\u0000\u0000' || t === 'true') return 'ttf';
  if (t === 'OTTO') return 'otf';
  if (t === 'wOF2') return 'woff2';
  return null;
}

/** Largest font a WOFF2 file may unpack to: its Brotli stream is sized from its table directory. */
export const MAX_WOFF2_DECODED_BYTES = 32 * 1024 * 1024;

/**
 * Bytes a WOFF2 file's tables unpack to, read from its table directory (what a decoder allocates
 * before decompressing), so a small file declaring gigabytes is refused before anything unpacks.
 * Null when the directory is cut short or malformed.
 */
export function woff2DecodedBytes(bytes: Uint8Array): number | null {
  if (bytes.length < 48) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const numTables = view.getUint16(12);
  let at = 48;
  const base128 = (): number | null => {
    let n = 0;
    for (let i = 0; i < 5; i++) {
      if (at >= bytes.length) return null;
      const b = bytes[at++]!;
      if (i === 0 && b === 0x80) return null;
      n = n * 128 + (b & 0x7f);
      if (!(b & 0x80)) return n;
    }
    return null;
  };
  let total = 0;
  for (let t = 0; t < numTables; t++) {
    if (at >= bytes.length) return null;
    const flags = bytes[at++]!;
    let tagName = '';
    if ((flags & 0x3f) === 0x3f) {
      tagName = tag(bytes.subarray(at, at + 4));
      at += 4;
    } else tagName = (flags & 0x3f) === 10 ? 'glyf' : (flags & 0x3f) === 11 ? 'loca' : '';
    const version = flags >>> 6;
    const length = base128();
    if (length === null) return null;
    const transformed = tagName === 'glyf' || tagName === 'loca' ? version === 0 : version !== 0;
    const stored = transformed ? base128() : length;
    if (stored === null) return null;
    total += stored;
  }
  return total;
}

/**
 * Checks an uploaded font the way a renderer will use it: the container is TrueType, OpenType or
 * WOFF2 (by its bytes, never its name), it parses (tables, and WOFF2's Brotli stream), it names a
 * family, and it has glyphs for the basic Latin letters and digits captions need. Collections
 * (TTC) and WOFF 1 are refused: libass and librsvg take one face per file.
 *
 * @throws FontFileError
 */
export function readFontFile(bytes: Uint8Array): FontFileInfo {
  const format = fontFormatOf(bytes);
  if (!format)
    throw new FontFileError(
      'not_a_font',
      tag(bytes) === 'ttcf'
        ? 'Font collections (.ttc) are not accepted: upload each face as its own TTF, OTF or WOFF2 file.'
        : tag(bytes) === 'wOFF'
          ? 'WOFF 1 fonts are not accepted: upload the TTF, OTF or WOFF2 file.'
          : 'This is not a TTF, OTF or WOFF2 font file.',
    );
  if (format === 'woff2') {
    const unpacked = woff2DecodedBytes(bytes);
    if (unpacked === null)
      throw new FontFileError('unreadable', 'The WOFF2 file’s table directory is damaged.');
    if (unpacked > MAX_WOFF2_DECODED_BYTES)
      throw new FontFileError(
        'unreadable',
        `The WOFF2 font unpacks to more than ${MAX_WOFF2_DECODED_BYTES} bytes.`,
      );
  }
  let font: ReturnType<typeof parseFont>;
  try {
    font = parseFont(bytes);
  } catch (err) {
    throw new FontFileError(
      'unreadable',
      `The ${format.toUpperCase()} file cannot be read: ${(err as Error).message}.`,
    );
  }
  if (!('numGlyphs' in font)) throw new FontFileError('not_a_font', 'Font collections are not accepted.');
  let family: string | null;
  let style: string;
  let missing: string[];
  try {
    family = font.familyName?.trim() || null;
    style = font.subfamilyName?.trim() || 'Regular';
    missing = [...'AZaz09'].filter((ch) => !font.hasGlyphForCodePoint(ch.codePointAt(0)!));
  } catch {
    throw new FontFileError('unreadable', 'The font’s tables are damaged or cut short.');
  }
  if (!family || font.numGlyphs < 2)
    throw new FontFileError('unreadable', 'The font names no family or has no glyphs.');
  if (missing.length)
    throw new FontFileError(
      'unreadable',
      `The font has no glyphs for basic Latin letters and digits (${missing.join(' ')}).`,
    );
  return { format, family: family.slice(0, 200), style: style.slice(0, 100) };
}
