// @vitest-environment happy-dom
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localApiForFile } from '../test/local-api';
import { ApiError, ApiResponseError, accessTokenHeader, setAccessToken } from './api-client';
import { uploadAsset } from './upload-asset';

const PROJECT = '00000000-0000-4000-8000-0000000000d1';
const asset = {
  id: '00000000-0000-4000-8000-0000000000d2',
  projectId: PROJECT,
  kind: 'image',
  mime: 'image/png',
  byteSize: 5,
  sha256: 'ab'.repeat(32),
  originalName: 'dot.png',
  width: 1,
  height: 1,
  durationSec: null,
  probe: { format: 'png' },
  hasThumbnail: true,
  createdBy: null,
  createdAt: '2030-01-01T00:00:00.000Z',
  urls: { content: '/c', thumbnail: '/t', expiresAt: '2030-01-01T01:00:00.000Z' },
};
const png = () =>
  new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d])], 'dot.png', { type: 'image/png' });
const route = `POST /api/v1/projects/${PROJECT}/assets`;

const server = localApiForFile('t-upload');

describe('uploadAsset', () => {
  it('sends the file as multipart `file` with the token and returns the parsed asset', async () => {
    server.on(route, () => ({ status: 201, json: { ...asset, internal: 'dropped' } }));
    const stored = await uploadAsset(PROJECT, png(), () => {});
    expect(stored).toEqual(asset);
    const sent = server.received[0]!;
    expect(sent.headers.authorization).toBe('Bearer t-upload');
    expect(sent.body).toContain('name="file"; filename="dot.png"');
  });

  it("throws the API's error (413 too large) as ApiError", async () => {
    server.on(route, () => ({
      status: 413,
      json: { error: { code: 'payload_too_large', message: 'Files may be at most 4 GB.' } },
    }));
    const err = await uploadAsset(PROJECT, png(), () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 413,
      code: 'payload_too_large',
      message: 'Files may be at most 4 GB.',
    });
  });

  it('refreshes once on 401 and sends again with the new token', async () => {
    setAccessToken('expired');
    server.on(route, (r) =>
      r.headers.authorization === 'Bearer fresh'
        ? { status: 201, json: asset }
        : { status: 401, json: { error: { code: 'unauthorized', message: 'expired' } } },
    );
    server.on('POST /api/v1/auth/refresh', () => ({
      status: 200,
      json: {
        accessToken: 'fresh',
        expiresAt: '2030-01-01T00:15:00.000Z',
        user: {
          id: '00000000-0000-4000-8000-0000000000d3',
          email: 'a@example.com',
          name: 'A',
          isAdmin: false,
        },
      },
    }));
    await expect(uploadAsset(PROJECT, png(), () => {})).resolves.toMatchObject({ id: asset.id });
    expect(server.received.map((r) => r.path)).toEqual([
      `/api/v1/projects/${PROJECT}/assets`,
      '/api/v1/auth/refresh',
      `/api/v1/projects/${PROJECT}/assets`,
    ]);
    expect(accessTokenHeader()).toBe('Bearer fresh');
  });

  it('rejects a 201 whose body is not an asset', async () => {
    server.on(route, () => ({ status: 201, json: { ...asset, kind: 'hologram' } }));
    const err = await uploadAsset(PROJECT, png(), () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiResponseError);
    expect((err as Error).message).toContain('kind');
  });

  describe('straight to storage, when the page says so', () => {
    const meta = document.createElement('meta');
    beforeAll(() => {
      meta.name = 'clapboard-uploads';
      meta.content = 'direct';
      document.head.append(meta);
    });
    afterAll(() => meta.remove());
    const token = 'upload-token-1';
    /** The API's answer to starting a direct upload: a PUT to `path` on the local server. */
    const signedPut = (path: string) => ({
      status: 201,
      json: {
        uploadUrl: `${server.origin}${path}`,
        method: 'PUT',
        headers: { 'content-type': 'image/png', 'content-length': '5' },
        uploadToken: token,
        expiresAt: '2030-01-01T01:00:00.000Z',
      },
    });

    it('asks for a signed PUT, PUTs the file to storage without the bearer token, then completes', async () => {
      server.on(`${route}/direct-uploads`, () => signedPut('/bucket/key?X-Amz-Signature=abc'));
      server.on('PUT /bucket/key?X-Amz-Signature=abc', () => ({
        status: 200,
        raw: '',
        contentType: 'text/plain',
      }));
      server.on(`${route}/direct-uploads/complete`, () => ({ status: 201, json: asset }));
      const fractions: number[] = [];
      await expect(uploadAsset(PROJECT, png(), (f) => fractions.push(f))).resolves.toEqual(asset);
      const [start, put, complete] = server.received;
      expect(JSON.parse(start!.body)).toEqual({ fileName: 'dot.png', byteSize: 5, contentType: 'image/png' });
      expect(start!.headers.authorization).toBe('Bearer t-upload');
      expect(put!.method).toBe('PUT');
      expect(put!.headers['content-type']).toBe('image/png');
      expect(put!.headers.authorization).toBeUndefined();
      expect(put!.body).toHaveLength(5);
      expect(JSON.parse(complete!.body)).toEqual({ uploadToken: token });
    });

    it("falls back to multipart when the server cannot (501), and reports storage's refusal", async () => {
      server.on(`${route}/direct-uploads`, () => ({
        status: 501,
        json: { error: { code: 'not_implemented', message: 'This server keeps uploaded files itself.' } },
      }));
      server.on(route, () => ({ status: 201, json: asset }));
      await expect(uploadAsset(PROJECT, png(), () => {})).resolves.toEqual(asset);
      expect(server.received.map((r) => r.path)).toEqual([
        `/api/v1/projects/${PROJECT}/assets/direct-uploads`,
        `/api/v1/projects/${PROJECT}/assets`,
      ]);

      server.on(`${route}/direct-uploads`, () => signedPut('/bucket/refused'));
      server.on('PUT /bucket/refused', () => ({
        status: 403,
        raw: '<Error>SignatureDoesNotMatch</Error>',
        contentType: 'application/xml',
      }));
      const err = await uploadAsset(PROJECT, png(), () => {}).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 403, code: 'storage' });
    });
  });
});
