import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';

/** A real TrueType font from the system (fonts-dejavu-core, in infra/system-packages.txt). */
export const DEJAVU_SANS = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

export function dejaVuSans(): Uint8Array {
  return new Uint8Array(readFileSync(DEJAVU_SANS));
}

const KNOWN_TAGS = [
  'cmap',
  'head',
  'hhea',
  'hmtx',
  'maxp',
  'name',
  'OS/2',
  'post',
  'cvt ',
  'fpgm',
  'glyf',
  'loca',
  'prep',
];

const base128 = (n: number): number[] => {
  const out = [n & 0x7f];
  for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) out.unshift((v & 0x7f) | 0x80);
  return out;
};

/**
 * Packs a TrueType font as WOFF2 (W3C WOFF2 §4–5) with every table untransformed (glyf and loca
 * as transform version 3, the null transform) and the table data Brotli-compressed, as a
 * WOFF2 encoder is allowed to. `declare` overrides each table's declared length (to build bombs).
 */
export function ttfToWoff2(ttf: Uint8Array, declare?: (tag: string, length: number) => number): Uint8Array {
  const view = new DataView(ttf.buffer, ttf.byteOffset, ttf.byteLength);
  const numTables = view.getUint16(4);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const at = 12 + i * 16;
    const tag = String.fromCharCode(...ttf.subarray(at, at + 4));
    const offset = view.getUint32(at + 8);
    const length = view.getUint32(at + 12);
    return { tag, data: ttf.subarray(offset, offset + length) };
  });
  const dir: number[] = [];
  for (const t of tables) {
    const known = KNOWN_TAGS.indexOf(t.tag);
    const version = t.tag === 'glyf' || t.tag === 'loca' ? 3 : 0;
    dir.push((version << 6) | (known >= 0 ? known : 63));
    if (known < 0) dir.push(...[...t.tag].map((ch) => ch.charCodeAt(0)));
    dir.push(...base128(declare ? declare(t.tag, t.data.length) : t.data.length));
  }
  const raw = Buffer.concat(tables.map((t) => t.data));
  const compressed = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } });
  const total = 48 + dir.length + compressed.length;
  const padded = total + ((4 - (total % 4)) % 4);
  const out = new Uint8Array(padded);
  const w = new DataView(out.buffer);
  out.set(
    [...'wOF2'].map((c) => c.charCodeAt(0)),
    0,
  );
  w.setUint32(4, view.getUint32(0));
  w.setUint32(8, padded);
  w.setUint16(12, numTables);
  w.setUint32(16, ttf.length);
  w.setUint32(20, compressed.length);
  w.setUint16(24, 1);
  out.set(dir, 48);
  out.set(compressed, 48 + dir.length);
  return out;
}
