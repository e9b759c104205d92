import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Asset } from '@clapboard/shared/api';
import { errorBodySchema } from '@clapboard/shared/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniffType } from '../src/assets/sniff-type';
import {
  addMember,
  auth,
  createProject,
  multipartFile,
  registerUser,
  type TestUser,
  upload,
} from './fixtures';
import { createHarness, type Harness } from './harness';
import { type MediaFiles, makeMediaFiles, pixelFloodPng } from './media-files';

/**
 * Every file under the data folder (blobs, temp parts) and every object in the harness' bucket
 * when its store is S3 (the edge run), so "nothing left" means nothing.
 */
async function storedFiles(h: Harness): Promise<string[]> {
  const local = readdirSync(h.deps.dataDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
  const remote = h.deps.blobStore.kind === 'local' ? [] : await h.deps.blobStore.list('');
  return [...local, ...remote.map((key) => `s3:${key}`)];
}

describe('assets', () => {
  let h: Harness;
  let media: MediaFiles;
  let owner: TestUser;
  let viewer: TestUser;
  let projectId: string;
  const IMAGE_LIMIT = 300_000;

  beforeAll(async () => {
    [h, media] = await Promise.all([
      createHarness({ uploadLimits: { maxBytes: { image: IMAGE_LIMIT } } }),
      makeMediaFiles(),
    ]);
    owner = await registerUser(h, 'uploader');
    viewer = await registerUser(h, 'watcher');
    projectId = (await createProject(h, owner, 'Media')).id;
    await addMember(h, projectId, owner, viewer, 'viewer');
  });
  afterAll(async () => {
    media.cleanup();
    await h.close();
  });

  const state = async () => {
    const [row] = await h.db.sql<{ n: number }[]>`select count(*)::int as n from assets`;
    return { rows: row!.n, files: (await storedFiles(h)).sort() };
  };
  const fetchUrl = (url: string, headers: Record<string, string> = {}) =>
    h.app.request(url.replace('http://localhost:8787', ''), { headers });

  it('accepts a real JPEG and PNG: typed by content, probed, thumbnailed, hashed', async () => {
    const res = await upload(h, owner.token, projectId, media.jpeg, 'photo.bin');
    expect(res.status).toBe(201);
    const jpeg = (await res.json()) as Asset;
    expect(jpeg).toMatchObject({
      kind: 'image',
      mime: 'image/jpeg',
      width: 640,
      height: 360,
      originalName: 'photo.bin',
    });
    expect(jpeg.byteSize).toBe(media.jpeg.length);
    expect(jpeg.sha256).toBe(createHash('sha256').update(media.jpeg).digest('hex'));
    expect(jpeg.hasThumbnail).toBe(true);

    const png = (await (await upload(h, owner.token, projectId, media.png, 'logo.png')).json()) as Asset;
    expect(png).toMatchObject({ kind: 'image', mime: 'image/png', width: 200, height: 100 });
    const thumb = await fetchUrl(png.urls.thumbnail!);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect(sniffType(new Uint8Array(await thumb.arrayBuffer()))?.mime).toBe('image/webp');
  });

  it('accepts an MP4 (ffmpeg testsrc) with its duration, streams and a frame thumbnail', async () => {
    const res = await upload(h, owner.token, projectId, media.mp4, 'clip.mp4');
    expect(res.status).toBe(201);
    const a = (await res.json()) as Asset;
    expect(a).toMatchObject({ kind: 'video', mime: 'video/mp4', width: 320, height: 240 });
    expect(a.durationSec).toBeGreaterThan(0.9);
    expect(a.durationSec).toBeLessThan(1.2);
    expect(JSON.stringify(a.probe)).toContain('h264');
    expect(a.urls.thumbnail).not.toBeNull();
    expect((await fetchUrl(a.urls.thumbnail!)).status).toBe(200);
  });

  it('accepts a WAV (ffmpeg sine) as audio with its duration and no thumbnail', async () => {
    const res = await upload(h, owner.token, projectId, media.wav, 'tone.wav');
    expect(res.status).toBe(201);
    const a = (await res.json()) as Asset;
    expect(a).toMatchObject({
      kind: 'audio',
      mime: 'audio/wav',
      width: null,
      height: null,
      hasThumbnail: false,
    });
    expect(a.durationSec).toBeCloseTo(1.5, 1);
    expect(a.urls.thumbnail).toBeNull();
  });

  it('refuses tampered, cross-variant and expired signed URLs', async () => {
    const a = (await (await upload(h, owner.token, projectId, media.png, 'signed.png')).json()) as Asset;
    const url = new URL(a.urls.content);
    const sig = url.searchParams.get('sig')!;
    const flipped = `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await fetchUrl(a.urls.content.replace(sig, flipped))).status).toBe(403);
    // The thumbnail's signature does not open the original, nor another asset.
    const thumbSig = new URL(a.urls.thumbnail!).searchParams.get('sig')!;
    expect((await fetchUrl(a.urls.content.replace(sig, thumbSig))).status).toBe(403);
    const exp = Number(url.searchParams.get('exp'));
    expect((await fetchUrl(a.urls.content.replace(`exp=${exp}`, `exp=${exp + 3600}`))).status).toBe(403);
    // A genuinely signed but expired link.
    const { signAssetUrl } = await import('../src/assets/signed-url');
    const stale = await signAssetUrl(
      h.deps.jwtSecret,
      h.deps.publicUrl,
      a.id,
      'content',
      Math.floor(Date.now() / 1000) - 5,
    );
    const res = await fetchUrl(stale);
    expect(res.status).toBe(403);
    expect(errorBodySchema.parse(await res.json()).error.message).toMatch(/expired/);
    expect((await fetchUrl(a.urls.content)).status).toBe(200);
  });

  describe('bad uploads are refused and leave nothing behind', () => {
    const refused = async (
      bytes: Uint8Array,
      filename: string,
      status: number,
      headers: Record<string, string> = {},
    ) => {
      const before = await state();
      const form = multipartFile(bytes, filename);
      const res = await h.app.request(`/api/v1/projects/${projectId}/assets`, {
        method: 'POST',
        headers: { ...auth(owner.token, false), ...form.headers, ...headers },
        body: form.body,
      });
      const body = errorBodySchema.parse(await res.json());
      expect({ status: res.status, code: body.error.code }).toMatchObject({ status });
      expect(await state()).toEqual(before);
      return body;
    };

    it('an executable renamed x.png: 415', async () => {
      const elf = new Uint8Array(readFileSync('/bin/true'));
      expect((await refused(elf, 'x.png', 415)).error.code).toBe('unsupported_media_type');
      const pe = new Uint8Array(4096);
      pe.set([0x4d, 0x5a]); // "MZ", a Windows executable
      await refused(pe, 'setup.jpg', 415);
      await refused(new TextEncoder().encode('<html><script>alert(1)</script>'), 'page.gif', 415);
    });

    it('a truncated MP4 and a truncated PNG: 422', async () => {
      await refused(media.mp4.subarray(0, Math.floor(media.mp4.length / 2)), 'cut.mp4', 422);
      await refused(media.jpeg.subarray(0, Math.floor(media.jpeg.length / 3)), 'cut.jpg', 422);
    });

    it('a pixel flood (PNG declaring 30000×30000 in ~100 KB): 422', async () => {
      const body = await refused(pixelFloodPng(30_000), 'flood.png', 422);
      expect(body.error.details).toEqual({ reason: 'pixel_limit' });
    });

    it('an image over its size limit: 413 while streaming, and by Content-Length up front', async () => {
      const big = new Uint8Array(IMAGE_LIMIT + 50_000);
      big.set(media.png.subarray(0, 64)); // a PNG signature, then far too many bytes
      await refused(big, 'huge.png', 413);
      // An honest Content-Length beyond the largest limit is refused before reading the body.
      await refused(media.png, 'liar.png', 413, { 'content-length': String(10 * 1024 ** 4) });
    });

    it('path-traversal file names: 400, and nothing is written outside the store', async () => {
      await refused(media.png, '../../../etc/passwd.png', 400);
      await refused(media.png, '..\\..\\windows\\evil.png', 400);
      await refused(media.png, '..', 400);
    });

    it('an empty file (422), a non-multipart body (415) and a form without a file (400)', async () => {
      await refused(new Uint8Array(0), 'empty.png', 422);
      const before = await state();
      const json = await h.app.request(`/api/v1/projects/${projectId}/assets`, {
        method: 'POST',
        headers: auth(owner.token),
        body: '{}',
      });
      expect(json.status).toBe(415);
      const boundary = 'xyz';
      const noFile = await h.app.request(`/api/v1/projects/${projectId}/assets`, {
        method: 'POST',
        headers: { ...auth(owner.token, false), 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nhello\r\n--${boundary}--\r\n`,
      });
      expect(noFile.status).toBe(400);
      expect(await state()).toEqual(before);
    });
  });

  it('lists by kind with a cursor; viewers may read but not upload or delete', async () => {
    const list = async (q: string) =>
      (await (
        await h.app.request(`/api/v1/projects/${projectId}/assets${q}`, { headers: auth(viewer.token) })
      ).json()) as {
        items: Asset[];
        nextCursor: string | null;
      };
    const images = await list('?kind=image&limit=100');
    expect(images.items.length).toBeGreaterThanOrEqual(3);
    expect(images.items.every((a) => a.kind === 'image')).toBe(true);
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      all.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    const { rows } = await state();
    expect(new Set(all).size).toBe(rows);
    expect((await upload(h, viewer.token, projectId, media.png, 'v.png')).status).toBe(403);
  });

  it('an asset of project B is invisible through project A membership (IDOR), and delete removes blobs', async () => {
    const otherOwner = await registerUser(h, 'other');
    const b = await createProject(h, otherOwner, 'B');
    const secret = (await (await upload(h, otherOwner.token, b.id, media.png, 'b.png')).json()) as Asset;
    // `owner` owns project A (a member somewhere), but not B.
    for (const [method, path] of [
      ['GET', `/api/v1/assets/${secret.id}`],
      ['DELETE', `/api/v1/assets/${secret.id}`],
      ['GET', `/api/v1/projects/${b.id}/assets`],
    ] as const) {
      const res = await h.app.request(path, { method, headers: auth(owner.token) });
      expect(res.status).toBe(404);
    }
    const ownList = await h.app.request(`/api/v1/projects/${projectId}/assets?limit=100`, {
      headers: auth(owner.token),
    });
    const ownItems = ((await ownList.json()) as { items: Asset[] }).items;
    expect(ownItems.map((a) => a.id)).not.toContain(secret.id);

    const before = (await storedFiles(h)).length;
    const del = await h.app.request(`/api/v1/assets/${secret.id}`, {
      method: 'DELETE',
      headers: auth(otherOwner.token),
    });
    expect(del.status).toBe(204);
    expect((await storedFiles(h)).length).toBe(before - 2); // original + thumbnail
    expect((await fetchUrl(secret.urls.content)).status).toBe(404);
    expect(
      (await h.app.request(`/api/v1/assets/${secret.id}`, { headers: auth(otherOwner.token) })).status,
    ).toBe(404);
    const [audit] = await h.db.sql<{ n: number }[]>`
      select count(*)::int as n from audit_log where action = 'asset.delete' and target_id = ${secret.id}`;
    expect(audit!.n).toBe(1);
  });
});
