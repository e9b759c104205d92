import { readFile } from 'node:fs/promises';

/**
 * A TrueType font under another family name: the file's `name` table rewritten (family, full and
 * PostScript names, Mac and Windows records) and its table directory updated. Tests use it to
 * make a font that exists nowhere on the system, so text that shows it proves the font file
 * itself was used (fontconfig would otherwise fall back to an installed face).
 */
export async function renamedFont(file: string, family: string): Promise<Buffer> {
  const font = await readFile(file);
  const numTables = font.readUInt16BE(4);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const at = 12 + i * 16;
    return {
      tag: font.toString('latin1', at, at + 4),
      offset: font.readUInt32BE(at + 8),
      length: font.readUInt32BE(at + 12),
    };
  });
  const names: Array<[number, string]> = [
    [1, family],
    [2, 'Regular'],
    [4, family],
    [6, family.replace(/\s+/g, '')],
    [16, family],
    [17, 'Regular'],
  ];
  const records: number[][] = [];
  const strings: Buffer[] = [];
  let offset = 0;
  for (const [platform, encoding, language, utf16] of [
    [1, 0, 0, false],
    [3, 1, 0x409, true],
  ] as const) {
    for (const [id, text] of names) {
      const bytes = utf16 ? Buffer.from(text, 'utf16le').swap16() : Buffer.from(text, 'latin1');
      records.push([platform, encoding, language, id, bytes.length, offset]);
      strings.push(bytes);
      offset += bytes.length;
    }
  }
  const header = Buffer.alloc(6 + records.length * 12);
  header.writeUInt16BE(0, 0);
  header.writeUInt16BE(records.length, 2);
  header.writeUInt16BE(header.length, 4);
  for (const [i, record] of records.entries())
    for (const [k, v] of record.entries()) header.writeUInt16BE(v, 6 + i * 12 + k * 2);
  const nameTable = Buffer.concat([header, ...strings]);
  const directory = Buffer.from(font.subarray(0, 12 + numTables * 16));
  const bodies: Buffer[] = [];
  let at = directory.length;
  tables.forEach((t, i) => {
    const data = t.tag === 'name' ? nameTable : font.subarray(t.offset, t.offset + t.length);
    const padded = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
    let sum = 0;
    for (let k = 0; k < padded.length; k += 4) sum = (sum + padded.readUInt32BE(k)) >>> 0;
    directory.writeUInt32BE(sum, 12 + i * 16 + 4);
    directory.writeUInt32BE(at, 12 + i * 16 + 8);
    directory.writeUInt32BE(data.length, 12 + i * 16 + 12);
    bodies.push(padded);
    at += padded.length;
  });
  return Buffer.concat([directory, ...bodies]);
}
