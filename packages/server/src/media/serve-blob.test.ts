import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ffprobe, runFfmpeg } from '@clapboard/server/media';
import { createLocalBlobStore } from '@clapboard/server/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedBlob, serveBlob } from './serve-blob';

describe('serveBlob', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-serve-blob-'));
  const store = createLocalBlobStore(join(dir, 'blobs'));
  const key = 'projects/p/assets/a/original';
  let served: ServedBlob;
  let bytes: Buffer;

  beforeAll(async () => {
    const file = join(dir, 'v.mp4');
    await runFfmpeg([
      ...['-y', '-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=10:d=6', '-f', 'lavfi', '-i', 'sine=d=6'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-c:a', 'aac', file],
    ]);
    bytes = readFileSync(file);
    await store.put(key, Readable.toWeb(Readable.from([bytes])) as ReadableStream<Uint8Array>, {
      contentType: 'video/mp4',
    });
    served = await serveBlob(store, key, 'video/mp4');
  });
  afterAll(async () => {
    await served.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers byte ranges from the store, and nothing on another path', async () => {
    const part = await fetch(served.url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const tail = await fetch(served.url, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 10));
    const whole = await fetch(served.url);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(bytes);
    expect((await fetch(served.url, { headers: { range: `bytes=${bytes.length}-` } })).status).toBe(416);
    expect((await fetch(new URL('/other', served.url))).status).toBe(404);
  });

  it('lets FFmpeg seek into the middle of the stored video', async () => {
    const probe = await ffprobe(served.url);
    expect(probe.durationSec).toBeCloseTo(6, 0);
    const out = join(dir, 'cut.mp4');
    await runFfmpeg([
      '-y',
      '-ss',
      '4',
      '-t',
      '1.5',
      '-i',
      served.url,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      out,
    ]);
    expect((await ffprobe(out)).durationSec).toBeCloseTo(1.5, 1);
  });

  it('refuses a key the store does not have', async () => {
    await expect(serveBlob(store, 'projects/p/assets/missing/original', 'video/mp4')).rejects.toThrow(
      /missing/,
    );
  });
});
