import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

export interface MediaFiles {
  jpeg: Uint8Array;
  png: Uint8Array;
  mp4: Uint8Array;
  wav: Uint8Array;
  cleanup(): void;
}

/**
 * Real media made by real tools: sharp for images, ffmpeg's lavfi test source for an MP4 clip
 * (1 s, 320×240, H.264) and a sine WAV (1.5 s). Nothing is checked in or mocked.
 */
export async function makeMediaFiles(): Promise<MediaFiles> {
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-media-'));
  const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'testsrc=duration=1:size=320x240:rate=24',
    '-pix_fmt',
    'yuv420p',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    join(dir, 'clip.mp4'),
  );
  ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=1.5', join(dir, 'tone.wav'));
  const gradient = { create: { width: 640, height: 360, channels: 3 as const, background: '#2a6f97' } };
  return {
    jpeg: new Uint8Array(await sharp(gradient).jpeg({ quality: 80 }).toBuffer()),
    png: new Uint8Array(
      await sharp({ create: { width: 200, height: 100, channels: 4, background: '#ff000080' } })
        .png()
        .toBuffer(),
    ),
    mp4: new Uint8Array(readFileSync(join(dir, 'clip.mp4'))),
    wav: new Uint8Array(readFileSync(join(dir, 'tone.wav'))),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function chunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * A complete, valid PNG of `size`×`size` single-colour pixels (1-bit greyscale): ~900 million
 * pixels at 30 000², in about 100 KB, because all-zero rows deflate ~1000:1. That is a pixel flood:
 * tiny on the wire, gigabytes once decoded.
 */
export function pixelFloodPng(size = 30_000): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const rowBytes = 1 + Math.ceil(size / 8); // filter byte + packed pixels
  const idat = deflateSync(Buffer.alloc(rowBytes * size), { level: 9 });
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', idat),
      chunk('IEND', new Uint8Array(0)),
    ]),
  );
}
