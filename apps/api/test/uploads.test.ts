import { createHash } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createS3BlobStore } from '@clapboard/server/storage';
import type { Asset, ResumableUpload } from '@clapboard/shared/api';
import { projectEventSchema } from '@clapboard/shared/events';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpiredUploads } from '../src/uploads/sweep-expired-uploads';
import { addMember, auth, createProject, registerUser, type TestUser } from './fixtures';
import { createHarness, type Harness } from './harness';
import { type MediaFiles, makeMediaFiles } from './media-files';
import { listenToProject } from './project-events';
import { startTestS3, type TestS3 } from './s3-server';

const TUS = { 'tus-resumable': '1.0.0' };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('resumable uploads (tus 1.0)', () => {
  let h: Harness;
  let media: MediaFiles;
  let owner: TestUser;
  let editor: TestUser;
  let viewer: TestUser;
  let projectId: string;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    h = await createHarness({
      // Small bounds so the limits are reachable; images keep their 50 MiB kind limit below it.
      resumableLimits: { maxBytes: 8 * 1024 * 1024, maxOpenPerUser: 4, expirySec: 3600 },
      uploadLimits: { maxBytes: { image: 1024 } },
    });
    media = await makeMediaFiles();
    owner = await registerUser(h, 'owner');
    editor = await registerUser(h, 'editor');
    viewer = await registerUser(h, 'viewer');
    projectId = (await createProject(h, owner, 'Lectures')).id;
    await addMember(h, projectId, owner, editor, 'editor');
    await addMember(h, projectId, owner, viewer, 'viewer');
    // A real HTTP server over the same app, for a connection that really drops mid-body.
    server = createServer(getRequestListener(h.app.fetch));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    media.cleanup();
    await h.close();
  });

  async function create(user: TestUser, length: number, filename = 'lecture.mp4') {
    return h.app.request(`/api/v1/projects/${projectId}/uploads`, {
      method: 'POST',
      headers: {
        ...auth(user.token, false),
        ...TUS,
        'upload-length': String(length),
        'upload-metadata': `filename ${b64(filename)},filetype ${b64('video/mp4')}`,
      },
    });
  }
  async function createOk(user: TestUser, length: number): Promise<string> {
    const res = await create(user, length);
    expect(res.status).toBe(201);
    return res.headers.get('location')!;
  }
  const patch = (user: TestUser, location: string, offset: number, body: Uint8Array, extra = {}) =>
    h.app.request(location, {
      method: 'PATCH',
      headers: {
        ...auth(user.token, false),
        ...TUS,
        'content-type': 'application/offset+octet-stream',
        'upload-offset': String(offset),
        ...extra,
      },
      body,
    });
  const headOf = (user: TestUser, location: string) =>
    h.app.request(location, { method: 'HEAD', headers: { ...auth(user.token, false), ...TUS } });
  const chunkKeys = (uploadId: string) => h.deps.blobStore.list(`projects/${projectId}/uploads/${uploadId}`);

  it('OPTIONS advertises version, extensions, the size limit and checksum algorithms (no sign-in)', async () => {
    const res = await h.app.request('/api/v1/uploads', { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('tus-version')).toBe('1.0.0');
    expect(res.headers.get('tus-extension')?.split(',')).toEqual([
      'creation',
      'termination',
      'expiration',
      'checksum',
    ]);
    expect(res.headers.get('tus-max-size')).toBe(String(8 * 1024 * 1024));
    expect(res.headers.get('tus-checksum-algorithm')).toBe('sha1,sha256');
  });

  it('uploads a video in chunks (one checksummed) into an asset with the same SHA-256, probed and thumbnailed', async () => {
    const file = media.mp4;
    const res = await create(owner, file.length);
    expect(res.status).toBe(201);
    expect(res.headers.get('tus-resumable')).toBe('1.0.0');
    expect(Date.parse(res.headers.get('upload-expires')!)).toBeGreaterThan(Date.now());
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/api\/v1\/uploads\/[0-9a-f-]{36}$/);
    const created = (await res.json()) as ResumableUpload;
    expect(created).toMatchObject({
      filename: 'lecture.mp4',
      length: file.length,
      offset: 0,
      status: 'open',
    });

    const half = Math.floor(file.length / 2);
    const first = file.subarray(0, half);
    // A wrong checksum keeps nothing (460) …
    const bad = await patch(owner, location, 0, first, {
      'upload-checksum': `sha1 ${createHash('sha1').update('not these bytes').digest('base64')}`,
    });
    expect(bad.status).toBe(460);
    expect((await headOf(owner, location)).headers.get('upload-offset')).toBe('0');
    // … the right one is accepted.
    const ok = await patch(owner, location, 0, first, {
      'upload-checksum': `sha1 ${createHash('sha1').update(first).digest('base64')}`,
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('upload-offset')).toBe(String(half));
    const head = await headOf(owner, location);
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe(String(half));
    expect(head.headers.get('upload-length')).toBe(String(file.length));
    expect(head.headers.get('cache-control')).toBe('no-store');

    const last = await patch(owner, location, half, file.subarray(half));
    expect(last.status).toBe(204);
    expect(last.headers.get('upload-offset')).toBe(String(file.length));
    const assetId = last.headers.get('clapboard-asset-id')!;
    const asset = (await (
      await h.app.request(`/api/v1/assets/${assetId}`, { headers: auth(owner.token) })
    ).json()) as Asset;
    expect(asset).toMatchObject({
      kind: 'video',
      mime: 'video/mp4',
      byteSize: file.length,
      sha256: sha256Hex(file),
      originalName: 'lecture.mp4',
      width: 320,
      height: 240,
      hasThumbnail: true,
    });
    expect(asset.durationSec).toBeCloseTo(1, 1);
    // The chunks are gone; the upload says which asset it became.
    expect(await chunkKeys(created.id)).toEqual([]);
    const json = (await (
      await h.app.request(location, { headers: auth(owner.token) })
    ).json()) as ResumableUpload;
    expect(json).toMatchObject({ status: 'completed', assetId, offset: file.length });
    const [audit] = await h.db.sql<{ details: Record<string, unknown> }[]>`
      select details from audit_log where action = 'asset.upload' and target_id = ${assetId}`;
    expect(audit?.details).toMatchObject({ resumable: true, uploadId: created.id });
  });

  it('keeps the bytes that arrived before a connection dropped, and resumes from there to the same SHA-256', async () => {
    const file = media.mp4;
    const location = await createOk(owner, file.length);
    const cut = Math.floor(file.length * 0.5);
    // Send the first half of a PATCH that promises the whole file, then kill the socket.
    await new Promise<void>((resolve) => {
      const req = request(`${baseUrl}${location}`, {
        method: 'PATCH',
        headers: {
          ...auth(owner.token, false),
          ...TUS,
          'content-type': 'application/offset+octet-stream',
          'upload-offset': '0',
          'content-length': String(file.length),
        },
      });
      req.on('error', () => resolve());
      req.write(file.subarray(0, cut), () => setTimeout(() => req.destroy(), 100));
      req.on('close', () => resolve());
    });
    // The server commits what arrived once it sees the body end early.
    let offset = 0;
    for (const deadline = Date.now() + 5000; Date.now() < deadline; ) {
      offset = Number((await headOf(owner, location)).headers.get('upload-offset'));
      if (offset > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(cut);
    const done = await patch(owner, location, offset, file.subarray(offset));
    expect(done.status).toBe(204);
    const asset = (await (
      await h.app.request(`/api/v1/assets/${done.headers.get('clapboard-asset-id')}`, {
        headers: auth(owner.token),
      })
    ).json()) as Asset;
    expect(asset.sha256).toBe(sha256Hex(file));
  });

  it('refuses a PATCH at the wrong offset (409), without Tus-Resumable (412) and of the wrong content type (415)', async () => {
    const location = await createOk(owner, media.mp4.length);
    const wrong = await patch(owner, location, 10, media.mp4.subarray(10, 20));
    expect(wrong.status).toBe(409);
    expect(wrong.headers.get('upload-offset')).toBe('0');
    const noTus = await h.app.request(location, {
      method: 'PATCH',
      headers: {
        ...auth(owner.token, false),
        'content-type': 'application/offset+octet-stream',
        'upload-offset': '0',
      },
      body: media.mp4,
    });
    expect(noTus.status).toBe(412);
    expect(noTus.headers.get('tus-version')).toBe('1.0.0');
    const wrongType = await patch(owner, location, 0, media.mp4, { 'content-type': 'application/json' });
    expect(wrongType.status).toBe(415);
    expect((await headOf(owner, location)).headers.get('upload-offset')).toBe('0');
  });

  it('decides the type from the first bytes: not an accepted type is 415 and the upload is gone', async () => {
    const elf = new Uint8Array(200).fill(7);
    elf.set([0x7f, 0x45, 0x4c, 0x46]);
    const location = await createOk(owner, elf.length);
    const res = await patch(owner, location, 0, elf);
    expect(res.status).toBe(415);
    expect((await headOf(owner, location)).status).toBe(404);
  });

  it('applies the kind limit once the first bytes name the kind, and the upload limit at creation', async () => {
    // An image larger than the image limit (1 KiB here) announced as 4 KiB.
    const location = await createOk(owner, 4096);
    const res = await patch(owner, location, 0, media.png.subarray(0, 100));
    expect(res.status).toBe(413);
    expect((await headOf(owner, location)).status).toBe(404);
    const tooBig = await create(owner, 8 * 1024 * 1024 + 1);
    expect(tooBig.status).toBe(413);
    const deferred = await h.app.request(`/api/v1/projects/${projectId}/uploads`, {
      method: 'POST',
      headers: { ...auth(owner.token, false), ...TUS, 'upload-defer-length': '1' },
    });
    expect(deferred.status).toBe(400);
    const badMeta = await h.app.request(`/api/v1/projects/${projectId}/uploads`, {
      method: 'POST',
      headers: { ...auth(owner.token, false), ...TUS, 'upload-length': '10', 'upload-metadata': 'a b c' },
    });
    expect(badMeta.status).toBe(400);
  });

  it('a file that sniffs as MP4 but does not probe is 422, and nothing of it is left', async () => {
    const fake = new Uint8Array(4096).fill(1);
    fake.set(Buffer.from('\x00\x00\x00\x18ftypisom', 'latin1'));
    const location = await createOk(owner, fake.length);
    const uploadId = location.split('/').pop()!;
    const before = await h.deps.blobStore.list(`projects/${projectId}/assets`);
    const res = await patch(owner, location, 0, fake);
    expect(res.status).toBe(422);
    expect((await headOf(owner, location)).status).toBe(404);
    expect(await chunkKeys(uploadId)).toEqual([]);
    // Neither the joined original nor a thumbnail nor a row stayed behind.
    expect(await h.deps.blobStore.list(`projects/${projectId}/assets`)).toEqual(before);
    const [row] = await h.db
      .sql`select 1 from assets where project_id = ${projectId} and byte_size = ${fake.length}`;
    expect(row).toBeUndefined();
  });

  it('announces upload:settled on the project room: completed with its asset, deleted when refused', async () => {
    const listener = await listenToProject(h, projectId, ['upload:settled']);
    try {
      const location = await createOk(owner, media.mp4.length);
      const uploadId = location.split('/').pop()!;
      const done = await patch(owner, location, 0, media.mp4);
      expect(done.status).toBe(204);
      const completed = await listener.waitFor(
        'upload:settled',
        (e) => e.type === 'upload:settled' && e.payload.uploadId === uploadId,
      );
      // What was sent is a member of the shared union, as the web client parses it.
      expect(projectEventSchema.parse(completed)).toMatchObject({
        type: 'upload:settled',
        projectId,
        payload: { uploadId, status: 'completed', assetId: done.headers.get('clapboard-asset-id') },
      });

      const fake = new Uint8Array(4096).fill(1);
      fake.set(Buffer.from('\x00\x00\x00\x18ftypisom', 'latin1'));
      const refusedAt = await createOk(owner, fake.length);
      const refusedId = refusedAt.split('/').pop()!;
      expect((await patch(owner, refusedAt, 0, fake)).status).toBe(422);
      const refused = await listener.waitFor(
        'upload:settled',
        (e) => e.type === 'upload:settled' && e.payload.uploadId === refusedId,
      );
      expect(projectEventSchema.parse(refused).payload).toEqual({
        uploadId: refusedId,
        status: 'deleted',
        assetId: null,
      });
    } finally {
      await listener.close();
    }
  });

  it('limits unfinished uploads per user (429) and lets a cancelled one make room', async () => {
    const [open] = await h.db.sql<{ n: number }[]>`
      select count(*)::int as n from uploads where created_by = ${editor.id} and status <> 'completed'`;
    expect(open?.n).toBe(0);
    const made: string[] = [];
    for (let i = 0; i < 4; i++) made.push(await createOk(editor, 100));
    const refused = await create(editor, 100);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    const del = await h.app.request(made[0]!, {
      method: 'DELETE',
      headers: { ...auth(editor.token, false), ...TUS },
    });
    expect(del.status).toBe(204);
    expect((await create(editor, 100)).status).toBe(201);
  });

  it('an upload is its uploader’s alone: other members get 404, viewers cannot start one', async () => {
    const location = await createOk(owner, 100);
    expect((await headOf(editor, location)).status).toBe(404);
    expect((await patch(editor, location, 0, media.mp4.subarray(0, 100))).status).toBe(404);
    expect((await create(viewer, 100)).status).toBe(403);
    const anonymous = await h.app.request(location, { method: 'HEAD', headers: TUS });
    expect(anonymous.status).toBe(401);
  });

  it('termination deletes the bytes received so far', async () => {
    const location = await createOk(owner, media.mp4.length);
    const uploadId = location.split('/').pop()!;
    expect((await patch(owner, location, 0, media.mp4.subarray(0, 500))).status).toBe(204);
    expect(await chunkKeys(uploadId)).toHaveLength(1);
    const del = await h.app.request(location, {
      method: 'DELETE',
      headers: { ...auth(owner.token, false), ...TUS },
    });
    expect(del.status).toBe(204);
    expect(await chunkKeys(uploadId)).toEqual([]);
    expect((await headOf(owner, location)).status).toBe(404);
  });

  it('an abandoned upload expires (410) and the sweep deletes it with its bytes', async () => {
    const location = await createOk(owner, media.mp4.length);
    const uploadId = location.split('/').pop()!;
    expect((await patch(owner, location, 0, media.mp4.subarray(0, 500))).status).toBe(204);
    await h.db.sql`update uploads set expires_at = now() - interval '1 second' where id = ${uploadId}`;
    expect((await headOf(owner, location)).status).toBe(410);
    expect((await patch(owner, location, 500, media.mp4.subarray(500))).status).toBe(410);
    expect(await sweepExpiredUploads(h.db.sql, h.deps.blobStore)).toBeGreaterThanOrEqual(1);
    expect(await chunkKeys(uploadId)).toEqual([]);
    const [row] = await h.db.sql`select 1 from uploads where id = ${uploadId}`;
    expect(row).toBeUndefined();
  });
});

describe('resumable uploads on the S3-compatible blob store', () => {
  let h: Harness;
  let s3: TestS3;
  let media: MediaFiles;

  beforeAll(async () => {
    s3 = await startTestS3();
    h = await createHarness({ blobStore: createS3BlobStore(s3.options) });
    media = await makeMediaFiles();
  });
  afterAll(async () => {
    media.cleanup();
    await h.close();
    await s3.close();
  });

  it('keeps the part of a body that broke off, resumes, and joins the chunk objects into the asset', async () => {
    const user = await registerUser(h, 's3-owner');
    const projectId = (await createProject(h, user, 'S3')).id;
    const file = media.mp4;
    const created = await h.app.request(`/api/v1/projects/${projectId}/uploads`, {
      method: 'POST',
      headers: { ...auth(user.token, false), ...TUS, 'upload-length': String(file.length) },
    });
    const location = created.headers.get('location')!;
    const uploadId = location.split('/').pop()!;
    const half = Math.floor(file.length / 2);
    // A body that delivers half the file and then fails, as a dropped connection does.
    // (Erroring in `start` would drop the queued half: the error comes once it has been read.)
    let sent = false;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) controller.error(new Error('connection reset'));
        else controller.enqueue(file.subarray(0, half));
        sent = true;
      },
    });
    const patch = async (offset: number, body: RequestInit['body']) =>
      h.app.request(location, {
        method: 'PATCH',
        headers: {
          ...auth(user.token, false),
          ...TUS,
          'content-type': 'application/offset+octet-stream',
          'upload-offset': String(offset),
        },
        body,
        duplex: 'half',
      } as RequestInit);
    await patch(0, broken).catch(() => {});
    const head = await h.app.request(location, {
      method: 'HEAD',
      headers: { ...auth(user.token, false), ...TUS },
    });
    expect(Number(head.headers.get('upload-offset'))).toBe(half);
    expect(await h.deps.blobStore.list(`projects/${projectId}/uploads/${uploadId}`)).toHaveLength(1);
    const done = await patch(half, file.subarray(half));
    expect(done.status).toBe(204);
    const asset = (await (
      await h.app.request(`/api/v1/assets/${done.headers.get('clapboard-asset-id')}`, {
        headers: auth(user.token),
      })
    ).json()) as Asset;
    expect(asset.sha256).toBe(sha256Hex(file));
    expect(asset.kind).toBe('video');
    expect(await h.deps.blobStore.list(`projects/${projectId}/uploads/${uploadId}`)).toEqual([]);
  });
});
