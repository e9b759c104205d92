import { createServer, type Server } from 'node:http';
import { closeServer, listen } from '@clapboard/server/http';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../src/errors/http-error';
import { ProbeError } from '../src/media/media-probe';
import { createRemoteMediaProbe } from '../src/media/remote-media-probe';
import { createHarness, type Harness } from './harness';
import { type MediaFiles, makeMediaFiles, pixelFloodPng } from './media-files';

/**
 * The media probe service a Node API serves to the edge (POST /internal/media-probe) and the
 * edge's client of it, against the real probe (sharp, ffprobe) and the harness' blob store.
 */
describe('media probe service', () => {
  const token = 'probe-token-0123456789-0123456789-abcdef';
  let h: Harness;
  let media: MediaFiles;
  let server: Server;
  let url: string;

  const put = async (key: string, bytes: Uint8Array, contentType: string) =>
    h.deps.blobStore.put(key, new Blob([bytes]).stream(), { contentType });
  const post = (body: unknown, auth: string | null = `Bearer ${token}`) =>
    h.app.request('/internal/media-probe', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    [h, media] = await Promise.all([createHarness({ probeServiceToken: token }), makeMediaFiles()]);
    server = createServer(getRequestListener(h.app.fetch));
    url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1', 'test')}`;
    await put('probe/photo', media.png, 'image/png');
    await put('probe/clip', media.mp4, 'video/mp4');
    await put('probe/flood', pixelFloodPng(30_000), 'image/png');
  });
  afterAll(async () => {
    await closeServer(server);
    media.cleanup();
    await h.close();
  });

  it('answers only its bearer token, validates the request, and 404s a key the store lacks', async () => {
    const body = { key: 'probe/photo', kind: 'image', mime: 'image/png', maxImagePixels: 40_000_000 };
    expect((await post(body, null)).status).toBe(401);
    expect((await post(body, `Bearer ${token}x`)).status).toBe(401);
    expect((await post(body, `Bearer ${token.slice(0, -1)}`)).status).toBe(401);
    expect((await post({ ...body, kind: 'spreadsheet' })).status).toBe(400);
    expect((await post({ ...body, key: 'probe/missing' })).status).toBe(404);
    const ok = await post(body);
    expect(ok.status).toBe(200);
    const result = (await ok.json()) as { kind: string; width: number; thumbnail: string };
    expect(result.kind).toBe('image');
    expect(result.width).toBeGreaterThan(0);
    expect(atob(result.thumbnail).slice(0, 4)).toBe('RIFF'); // a WebP thumbnail
  });

  it('is not served at all without MEDIA_PROBE_TOKEN', async () => {
    const plain = await createHarness();
    try {
      const res = await plain.app.request('/internal/media-probe', { method: 'POST', body: '{}' });
      expect(res.status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('the remote probe gets the same result, thumbnail included, and the same refusal', async () => {
    const remote = createRemoteMediaProbe({ url, token });
    const open = async () => new ReadableStream<Uint8Array>();
    const clip = await remote.probe({
      key: 'probe/clip',
      kind: 'video',
      mime: 'video/mp4',
      maxImagePixels: 40_000_000,
      open,
    });
    expect(clip.kind).toBe('video');
    expect(clip.durationSec).toBeGreaterThan(0);
    expect(clip.thumbnail && [...clip.thumbnail.subarray(0, 4)]).toEqual([0x52, 0x49, 0x46, 0x46]); // RIFF (WebP)
    const refused = await remote
      .probe({ key: 'probe/flood', kind: 'image', mime: 'image/png', maxImagePixels: 40_000_000, open })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProbeError);
    expect((refused as ProbeError).reason).toBe('pixel_limit');
  });

  it('says so (503) when the service is unreachable or refuses its token', async () => {
    const input = {
      key: 'probe/photo',
      kind: 'image' as const,
      mime: 'image/png',
      maxImagePixels: 1e7,
      open: async () => new ReadableStream<Uint8Array>(),
    };
    for (const probe of [
      createRemoteMediaProbe({ url: 'http://127.0.0.1:9', token }),
      createRemoteMediaProbe({ url, token: `${token}-wrong` }),
    ]) {
      const err = await probe.probe(input).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpError);
      expect((err as HttpError).status).toBe(503);
    }
  });
});
