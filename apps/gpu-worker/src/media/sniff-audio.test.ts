import { describe, expect, it } from 'vitest';
import { encodeWav } from './encode-wav';
import { sniffAudio } from './sniff-audio';

describe('sniffAudio', () => {
  it('knows the containers a music provider may send by their first bytes', () => {
    expect(sniffAudio(encodeWav({ samples: new Float32Array(10), sampleRate: 48_000 }))).toBe('wav');
    expect(sniffAudio(Buffer.from('fLaC\0\0\0\x22'))).toBe('flac');
    expect(sniffAudio(Buffer.from('OggS\0\x02\0\0'))).toBe('ogg');
    expect(sniffAudio(Buffer.from('ID3\x04\0\0\0\0\0\x21'))).toBe('mp3');
    expect(sniffAudio(Buffer.from([0xff, 0xfb, 0x90, 0x64]))).toBe('mp3'); // MPEG-1 layer III
  });

  it('refuses what is not audio: error pages, JSON, ADTS AAC, short bodies', () => {
    expect(sniffAudio(Buffer.from('<html><body>Bad gateway</body></html>'))).toBeNull();
    expect(sniffAudio(Buffer.from('{"error":"quota"}'))).toBeNull();
    expect(sniffAudio(Buffer.from([0xff, 0xf1, 0x50, 0x80]))).toBeNull();
    expect(sniffAudio(Buffer.from('RIFF'))).toBeNull();
  });
});
