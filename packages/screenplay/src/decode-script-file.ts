import { ScriptImportError } from './script-import-error';

/** Magic numbers of files people try as scripts that are not text, with what to do instead. */
const NOT_TEXT: { magic: number[]; what: string }[] = [
  { magic: [0x25, 0x50, 0x44, 0x46], what: 'a PDF' },
  {
    magic: [0x50, 0x4b, 0x03, 0x04],
    what: 'a zip archive (Word .docx, Fade In, Highland 2 and Pages files are zips)',
  },
  { magic: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Word or Office document' },
  { magic: [0x7b, 0x5c, 0x72, 0x74, 0x66], what: 'an RTF document' },
  { magic: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { magic: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
];

/** Share of control characters (other than tab, newlines and form feed) above which text is binary. */
const MAX_CONTROL_SHARE = 0.01;

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/**
 * Decodes an uploaded script file to text: UTF-8 (BOM or not), UTF-16 with a BOM, or Windows-1252
 * when the bytes are not valid UTF-8 (older scripts). Line endings are left as they are.
 *
 * @throws ScriptImportError `binary` for PDFs, zips (docx, Fade In), Office and RTF files, images,
 *   and anything whose text has NUL or more than 1 % control characters; `empty` for whitespace only
 */
export function decodeScriptFile(bytes: Uint8Array): string {
  const known = NOT_TEXT.find((k) => startsWith(bytes, k.magic));
  if (known) {
    throw new ScriptImportError(
      'binary',
      `This file is ${known.what}, not a script in text form. Export it from your writing app as Fountain (.fountain) or Final Draft (.fdx).`,
    );
  }
  let text: string;
  if (startsWith(bytes, [0xff, 0xfe])) text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
  else if (startsWith(bytes, [0xfe, 0xff])) text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      text = new TextDecoder('windows-1252').decode(bytes);
    }
  }
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) throw new ScriptImportError('binary', 'This file is not text (it holds NUL bytes).');
    if ((c < 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13) || c === 0xfffd) control++;
  }
  if (control > Math.max(2, text.length * MAX_CONTROL_SHARE))
    throw new ScriptImportError('binary', 'This file is not text (too many control characters).');
  if (!/\S/.test(text)) throw new ScriptImportError('empty', 'The file is empty.');
  return text;
}
