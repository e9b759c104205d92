import { createHash } from 'node:crypto';
import { assetKeys } from '@clapboard/server/assets';
import type { Asset } from '@clapboard/shared/api';
import { JOB_TYPES } from '@clapboard/shared/jobs';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpiredDirectUploads } from '../src/uploads/sweep-expired-uploads';
import { addMember, auth, createProject, registerUser, type TestUser } from './fixtures';
import { createHarness, type Harness } from './harness';
import { type MediaFiles, makeMediaFiles } from './media-files';

interface DirectUpload {
  uploadUrl: string;
  method: 'PUT';
  headers: Record<string, string>;
  uploadToken: string;
}

/**
 * Uploads that go straight to storage (S3 here, on both entries): a presigned PUT for one exact
 * size and type, then completion, which types, size-checks, hashes and probes what was stored.
 */
describe('direct uploads to storage', () => {
  let h: Harness;
  let media: MediaFiles;
  let owner: TestUser;
  let viewer: TestUser;
  let stranger: TestUser;
  let projectId: string;

  beforeAll(async () => {
    [h, media] = await Promise.all([createHarness({}, JOB_TYPES, { storage: 's3' }), makeMediaFiles()]);
    [owner, viewer, stranger] = await Promise.all([
      registerUser(h, 'direct-owner'),
      registerUser(h, 'direct-viewer'),
      registerUser(h, 'direct-stranger'),
    ]);
    projectId = (await createProject(h, owner, 'Direct')).id;
    await addMember(h, projectId, owner, viewer, 'viewer');
  });
  afterAll(async () => {
    media.cleanup();
    await h.close();
  });

  const call = (user: TestUser, path: string, body: unknown, project = projectId) =>
    h.app.request(`/api/v1/projects/${project}/assets/direct-uploads${path}`, {
      method: 'POST',
      headers: { ...auth(user.token), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const start = async (user: TestUser, fileName: string, bytes: Uint8Array, contentType: string) => {
    const res = await call(user, '', { fileName, byteSize: bytes.length, contentType });
    expect(res.status).toBe(201);
    return (await res.json()) as DirectUpload;
  };
  const put = (d: DirectUpload, bytes: Uint8Array) =>
    fetch(d.uploadUrl, { method: 'PUT', headers: d.headers, body: bytes });
  const storedKey = (d: DirectUpload) => assetKeys(projectId, decodeJwt(d.uploadToken).aid as string).key;

  it('PUT straight to the bucket, then completion: the asset is typed by content, probed, hashed and downloadable', async () => {
    const d = await start(owner, 'clip.mp4', media.mp4, 'video/mp4');
    expect(d.method).toBe('PUT');
    expect(new URL(d.uploadUrl).origin).not.toBe('http://localhost');
    expect((await put(d, media.mp4)).status).toBe(200);
    const done = await call(owner, '/complete', { uploadToken: d.uploadToken });
    expect(done.status).toBe(201);
    const asset = (await done.json()) as Asset;
    expect(asset).toMatchObject({
      kind: 'video',
      mime: 'video/mp4',
      byteSize: media.mp4.length,
      sha256: createHash('sha256').update(media.mp4).digest('hex'),
      originalName: 'clip.mp4',
      width: 320,
      height: 240,
      hasThumbnail: true,
    });
    // Listed like any upload, and completing twice does not make a second asset.
    const list = await h.app.request(`/api/v1/projects/${projectId}/assets`, { headers: auth(owner.token) });
    expect(((await list.json()) as { items: Asset[] }).items.map((a) => a.id)).toContain(asset.id);
    expect((await call(owner, '/complete', { uploadToken: d.uploadToken })).status).toBe(409);
  });

  it('completion is refused before the PUT (409), for another member or project (403), and for a bad token (422)', async () => {
    const d = await start(owner, 'photo.png', media.png, 'image/png');
    expect((await call(owner, '/complete', { uploadToken: d.uploadToken })).status).toBe(409);
    expect((await put(d, media.png)).status).toBe(200);
    const other = (await createProject(h, owner, 'Other')).id;
    expect((await call(owner, '/complete', { uploadToken: d.uploadToken }, other)).status).toBe(403);
    expect((await call(owner, '/complete', { uploadToken: `${d.uploadToken}x` })).status).toBe(422);
    expect((await call(viewer, '/complete', { uploadToken: d.uploadToken })).status).toBe(403);
    expect((await call(stranger, '/complete', { uploadToken: d.uploadToken })).status).toBe(404);
    // The rightful uploader still can.
    expect((await call(owner, '/complete', { uploadToken: d.uploadToken })).status).toBe(201);
  });

  it('a stored file that is not what was announced, or not media, is refused and removed from the bucket', async () => {
    const sized = await start(owner, 'short.png', media.png, 'image/png');
    // A store that took other bytes than were signed for (the PUT itself is signed for the size).
    await h.deps.blobStore.put(storedKey(sized), new Blob([media.png.subarray(0, 100)]).stream(), {
      contentType: 'image/png',
    });
    const wrongSize = await call(owner, '/complete', { uploadToken: sized.uploadToken });
    expect(wrongSize.status).toBe(422);
    expect(await h.deps.blobStore.head(storedKey(sized))).toBeNull();

    const text = new TextEncoder().encode('just some text, not a picture at all\n'.repeat(20));
    const notMedia = await start(owner, 'notes.png', text, 'image/png');
    expect((await put(notMedia, text)).status).toBe(200);
    const refused = await call(owner, '/complete', { uploadToken: notMedia.uploadToken });
    expect(refused.status).toBe(415);
    expect(await h.deps.blobStore.head(storedKey(notMedia))).toBeNull();
  });

  it('an upload nobody completes is swept with its object; completing it afterwards says it expired (410)', async () => {
    const d = await start(owner, 'late.png', media.png, 'image/png');
    expect((await put(d, media.png)).status).toBe(200);
    const aid = decodeJwt(d.uploadToken).aid as string;
    expect(await h.deps.blobStore.head(storedKey(d))).not.toBeNull();
    // Its hour is over (moved back rather than waited for).
    await h.db
      .sql`update direct_uploads set expires_at = now() - interval '1 second' where asset_id = ${aid}`;
    expect(await sweepExpiredDirectUploads(h.db.sql, h.deps.blobStore)).toBe(1);
    expect(await h.deps.blobStore.head(storedKey(d))).toBeNull();
    expect(await h.db.sql`select 1 from direct_uploads where asset_id = ${aid}`).toHaveLength(0);
    expect((await call(owner, '/complete', { uploadToken: d.uploadToken })).status).toBe(410);
    // A completed upload leaves no pending row behind either.
    const done = await start(owner, 'kept.png', media.png, 'image/png');
    expect((await put(done, media.png)).status).toBe(200);
    expect((await call(owner, '/complete', { uploadToken: done.uploadToken })).status).toBe(201);
    expect(
      await h.db
        .sql`select 1 from direct_uploads where asset_id = ${decodeJwt(done.uploadToken).aid as string}`,
    ).toHaveLength(0);
  });

  it('who may start one: owners and editors; viewers 403, strangers 404; bad bodies 400; over the largest limit 413', async () => {
    const body = { fileName: 'a.png', byteSize: 10, contentType: 'image/png' };
    expect((await call(viewer, '', body)).status).toBe(403);
    expect((await call(stranger, '', body)).status).toBe(404);
    expect((await call(owner, '', { ...body, byteSize: -1 })).status).toBe(400);
    expect((await call(owner, '', { ...body, contentType: 'not a type' })).status).toBe(400);
    expect((await call(owner, '', { ...body, byteSize: 50 * 1024 ** 4 })).status).toBe(413);
  });
});
