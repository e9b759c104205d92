/** Audio containers a provider may answer with. */
export type AudioContainer = 'wav' | 'mp3' | 'flac' | 'ogg';

/**
 * The audio container `bytes` start with, by magic bytes: RIFF…WAVE, an ID3 tag or an MPEG audio
 * frame header (layers I–III, so ADTS AAC is not taken for MP3), `fLaC`, `OggS`. Null for
 * anything else (HTML error pages, JSON, truncated bodies).
 */
export function sniffAudio(bytes: Uint8Array): AudioContainer | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
  if (bytes.length >= 4 && ascii(0, 4) === 'fLaC') return 'flac';
  if (bytes.length >= 4 && ascii(0, 4) === 'OggS') return 'ogg';
  if (bytes.length >= 10 && ascii(0, 3) === 'ID3') return 'mp3';
  if (bytes.length >= 4 && bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0 && (bytes[1]! & 0x06) !== 0)
    return 'mp3';
  return null;
}
