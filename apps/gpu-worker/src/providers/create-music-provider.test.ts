import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '@clapboard/server/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMusicProvider } from './create-music-provider';
import { ProviderError } from './provider-error';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-music-provider-'));
let server: Server;
let base: string;
let flac: Buffer;

/** A local server answering like a music generator would, well or badly (no fetch mocking). */
beforeAll(async () => {
  const file = join(dir, 'tone.flac');
  await runFfmpeg(['-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', file]);
  flac = readFileSync(file);
  server = createServer((req, res) => {
    req.resume();
    if (req.url?.startsWith('/flac')) {
      res.writeHead(200, { 'content-type': 'audio/flac' });
      return res.end(flac);
    }
    // Streams 4 MiB in chunks without announcing a length.
    res.writeHead(200, { 'content-type': 'audio/wav' });
    const chunk = Buffer.alloc(64 * 1024);
    chunk.write('RIFF\0\0\0\0WAVE');
    for (let i = 0; i < 64; i++) res.write(chunk);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const request = { prompt: 'calm', durationSec: 30, seed: 7 };

describe('createMusicProvider', () => {
  it('takes FLAC bytes as a track, named by the endpoint without credentials or query', async () => {
    const music = createMusicProvider({ url: `${base}/flac?key=secret`, timeoutMs: 5_000 });
    expect(music.source).toBe(`music provider ${base}/flac`);
    const got = await music.generate(request);
    expect(got.container).toBe('flac');
    expect(got.bytes.equals(flac)).toBe(true);
  });

  it('stops reading an answer as soon as it passes the size bound', async () => {
    const music = createMusicProvider({ url: `${base}/huge`, timeoutMs: 5_000, maxBytes: 1024 * 1024 });
    const err = await music.generate(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).code).toBe('bad_response');
    expect((err as Error).message).toMatch(/sent \d+ bytes of music; the most we take is 1048576/);
  });
});
