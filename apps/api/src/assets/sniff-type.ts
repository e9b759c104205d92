import type { AssetKind } from '@clapboard/shared/api';

export interface SniffedType {
  kind: AssetKind;
  mime: string;
  /** Extension used for downloads' suggested file name. */
  ext: string;
}

/** Bytes needed to recognise every accepted type (WebM's doctype sits within the first few dozen). */
export const SNIFF_BYTES = 64;

const ascii = (bytes: Uint8Array, start: number, text: string) => {
  if (bytes.length < start + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[start + i] !== text.charCodeAt(i)) return false;
  return true;
};
const startsWith = (bytes: Uint8Array, sig: number[]) =>
  bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);

/** QuickTime top-level atoms that may open a .mov that has no `ftyp`. */
const QT_ATOMS = ['moov', 'mdat', 'wide', 'free', 'skip'];

/**
 * Decides a file's type from its first bytes (magic numbers), never from its name or the client's
 * Content-Type. Only the allow-listed formats are recognised; anything else (executables, archives,
 * scripts, HTML) returns null and is refused with 415.
 */
export function sniffType(head: Uint8Array): SniffedType | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: 'image', mime: 'image/jpeg', ext: 'jpg' };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { kind: 'image', mime: 'image/png', ext: 'png' };
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a'))
    return { kind: 'image', mime: 'image/gif', ext: 'gif' };
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP'))
    return { kind: 'image', mime: 'image/webp', ext: 'webp' };
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WAVE'))
    return { kind: 'audio', mime: 'audio/wav', ext: 'wav' };
  if (ascii(head, 4, 'ftyp')) {
    const brand = String.fromCharCode(...head.subarray(8, 12));
    if (brand === 'qt  ') return { kind: 'video', mime: 'video/quicktime', ext: 'mov' };
    if (brand === 'M4A ' || brand === 'M4B ') return { kind: 'audio', mime: 'audio/mp4', ext: 'm4a' };
    // HEIF/AVIF share the ISO box layout but are images we do not accept yet.
    if (/^(heic|heix|mif1|msf1|avif|avis)$/.test(brand)) return null;
    return { kind: 'video', mime: 'video/mp4', ext: 'mp4' };
  }
  if (QT_ATOMS.some((a) => ascii(head, 4, a))) return { kind: 'video', mime: 'video/quicktime', ext: 'mov' };
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) {
    // EBML: WebM declares the doctype "webm" in its header.
    const text = String.fromCharCode(...head.subarray(0, Math.min(head.length, SNIFF_BYTES)));
    return text.includes('webm') ? { kind: 'video', mime: 'video/webm', ext: 'webm' } : null;
  }
  if (ascii(head, 0, 'OggS')) return { kind: 'audio', mime: 'audio/ogg', ext: 'ogg' };
  if (ascii(head, 0, 'fLaC')) return { kind: 'audio', mime: 'audio/flac', ext: 'flac' };
  if (ascii(head, 0, 'ID3')) return { kind: 'audio', mime: 'audio/mpeg', ext: 'mp3' };
  // MPEG audio frame sync (11 set bits) with layer III (bits 01): a raw MP3 without ID3 tag.
  if (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0 && (head[1]! & 0x06) === 0x02)
    return { kind: 'audio', mime: 'audio/mpeg', ext: 'mp3' };
  if (ascii(head, 0, '%PDF-')) return { kind: 'document', mime: 'application/pdf', ext: 'pdf' };
  return null;
}
