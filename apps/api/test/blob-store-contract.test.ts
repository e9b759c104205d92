import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobStore } from '@clapboard/server/storage';
import { createLocalBlobStore, createS3BlobStore } from '@clapboard/server/storage';
import type { Asset } from '@clapboard/shared/api';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, registerUser, upload } from './fixtures';
import { createHarness } from './harness';
import { startTestS3, type TestS3 } from './s3-server';

const MiB = 1024 * 1024;

/** A stream of `total` deterministic bytes in `chunk`-sized pieces, optionally failing part-way. */
function bytesStream(total: number, chunk = 256 * 1024, failAfter?: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (failAfter !== undefined && sent >= failAfter) {
        controller.error(new Error('client went away'));
        return;
      }
      if (sent >= total) {
        controller.close();
        return;
      }
      const n = Math.min(chunk, total - sent);
      const piece = new Uint8Array(n);
      for (let i = 0; i < n; i++) piece[i] = (sent + i) % 251;
      sent += n;
      controller.enqueue(piece);
    },
  });
}
const expected = (start: number, end: number) =>
  Uint8Array.from({ length: end - start + 1 }, (_, i) => (start + i) % 251);
const readAll = async (s: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(s).arrayBuffer());

interface Backend {
  name: string;
  setup(): Promise<{ store: BlobStore; close(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'local directory',
    async setup() {
      const dir = mkdtempSync(join(tmpdir(), 'clapboard-blobs-'));
      return {
        store: createLocalBlobStore(join(dir, 'root')),
        close: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'S3-compatible (s3rver)',
    async setup() {
      const s3 = await startTestS3();
      return { store: createS3BlobStore(s3.options), close: () => s3.close() };
    },
  },
];

describe.each(backends)('blob store contract: $name', (backend) => {
  let store: BlobStore;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await backend.setup());
  });
  afterAll(() => close());

  it('stores a streamed object larger than one multipart part and reads it back', async () => {
    const size = 6 * MiB + 123;
    await store.put('projects/p1/assets/a1/original', bytesStream(size), { contentType: 'video/mp4' });
    expect(await store.head('projects/p1/assets/a1/original')).toEqual({ size });
    const obj = await store.get('projects/p1/assets/a1/original');
    expect(obj?.size).toBe(size);
    const bytes = await readAll(obj!.body);
    expect(bytes.length).toBe(size);
    expect(bytes.subarray(5 * MiB, 5 * MiB + 1000)).toEqual(expected(5 * MiB, 5 * MiB + 999));
  });

  it('reads byte ranges and reports the whole size', async () => {
    await store.put('projects/p1/assets/a2/original', bytesStream(10_000), { contentType: 'audio/wav' });
    const obj = await store.get('projects/p1/assets/a2/original', { start: 1000, end: 1099 });
    expect(obj?.size).toBe(10_000);
    expect(await readAll(obj!.body)).toEqual(expected(1000, 1099));
  });

  it('answers null for missing keys, and deleting a missing key is fine', async () => {
    expect(await store.get('projects/p1/assets/none/original')).toBeNull();
    expect(await store.head('projects/p1/assets/none/original')).toBeNull();
    await expect(store.delete('projects/p1/assets/none/original')).resolves.toBeUndefined();
  });

  it('a stream that fails part-way leaves no object (small and multipart-sized)', async () => {
    for (const [key, total, failAfter] of [
      ['projects/p2/assets/f1/original', 10 * MiB, 1 * MiB],
      ['projects/p2/assets/f2/original', 20 * MiB, 7 * MiB],
    ] as const) {
      await expect(
        store.put(key, bytesStream(total, 256 * 1024, failAfter), { contentType: 'video/mp4' }),
      ).rejects.toThrow();
      expect(await store.head(key)).toBeNull();
    }
    expect(await store.list('projects/p2/')).toEqual([]);
  });

  it('lists keys under a prefix and deletes them', async () => {
    await store.put('projects/p3/assets/x/original', bytesStream(10), { contentType: 'image/png' });
    await store.put('projects/p3/assets/x/thumbnail.webp', bytesStream(10), { contentType: 'image/webp' });
    expect(await store.list('projects/p3/')).toEqual([
      'projects/p3/assets/x/original',
      'projects/p3/assets/x/thumbnail.webp',
    ]);
    await store.delete('projects/p3/assets/x/original');
    expect(await store.list('projects/p3/')).toEqual(['projects/p3/assets/x/thumbnail.webp']);
  });

  it('refuses keys that could escape or are not server-made', async () => {
    for (const key of [
      '../escape',
      'projects/../../etc/passwd',
      '/abs',
      'a//b',
      'projects/./x',
      'UPPER/x',
      'a/b\\c',
      '',
    ]) {
      await expect(store.put(key, bytesStream(1), { contentType: 'image/png' }), key).rejects.toThrow(
        /invalid blob key/,
      );
      await expect(store.get(key), key).rejects.toThrow(/invalid blob key/);
    }
  });
});

describe('local blob store root', () => {
  it('writes nothing outside its root, whatever the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clapboard-root-'));
    try {
      const store = createLocalBlobStore(join(dir, 'root'));
      await expect(store.put('../outside', bytesStream(1), { contentType: 'x' })).rejects.toThrow();
      await expect(store.list('../')).rejects.toThrow();
      expect(existsSync(join(dir, 'outside'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the API on the S3 backend', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startTestS3();
  });
  afterAll(() => s3.close());

  it('uploads into the bucket and serves downloads by redirect to a presigned URL', async () => {
    const store = createS3BlobStore(s3.options);
    const h = await createHarness({ blobStore: store, uploadLimits: { maxBytes: { image: 5 * MiB } } });
    try {
      const user = await registerUser(h, 's3');
      const project = await createProject(h, user);
      const png = new Uint8Array(
        await sharp({ create: { width: 32, height: 32, channels: 3, background: '#0a0' } })
          .png()
          .toBuffer(),
      );
      const res = await upload(h, user.token, project.id, png, 'green.png');
      expect(res.status).toBe(201);
      const asset = (await res.json()) as Asset;
      expect(await store.list(`projects/${project.id}/`)).toEqual([
        `projects/${project.id}/assets/${asset.id}/original`,
        `projects/${project.id}/assets/${asset.id}/thumbnail.webp`,
      ]);
      const redirect = await h.app.request(asset.urls.content.replace('http://localhost:8787', ''));
      expect(redirect.status).toBe(302);
      const location = redirect.headers.get('location')!;
      expect(location).toContain('X-Amz-Signature=');
      const direct = await fetch(location, { headers: { range: 'bytes=0-7' } });
      expect(direct.status).toBe(206);
      expect(new Uint8Array(await direct.arrayBuffer())).toEqual(png.subarray(0, 8));

      // A refused upload leaves nothing in the bucket either.
      const elf = new Uint8Array(1024);
      elf.set([0x7f, 0x45, 0x4c, 0x46]);
      expect((await upload(h, user.token, project.id, elf, 'x.png')).status).toBe(415);
      expect((await store.list(`projects/${project.id}/`)).length).toBe(2);
      // Over the limit after more than one multipart part was sent: 413, and the upload is aborted.
      const big = new Uint8Array(7 * MiB);
      big.set(png.subarray(0, 64));
      const tooBig = await upload(h, user.token, project.id, big, 'big.png');
      expect(tooBig.status).toBe(413);
      expect((await store.list(`projects/${project.id}/`)).length).toBe(2);
      const del = await h.app.request(`/api/v1/assets/${asset.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${user.token}` },
      });
      expect(del.status).toBe(204);
      expect(await store.list(`projects/${project.id}/`)).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
