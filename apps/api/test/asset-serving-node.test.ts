import { readdirSync } from 'node:fs';
import type { Asset } from '@clapboard/shared/api';
import { errorBodySchema } from '@clapboard/shared/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, registerUser, type TestUser, upload } from './fixtures';
import { createHarness, type Harness } from './harness';
import { type MediaFiles, makeMediaFiles } from './media-files';

/**
 * What the Node API does with files itself, so these run on the Node entry only (the edge run of
 * `workerd` project of vitest.config.ts leaves this file out): it serves the local store's bytes with ranges (on
 * the edge, and with S3 on Node, downloads are presigned redirects and ranges are the storage's),
 * and it runs ffprobe itself (the edge asks a Node API's probe service, tested in assets.test.ts).
 */
const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());

describe('assets served from the local store', () => {
  let h: Harness;
  let media: MediaFiles;
  let owner: TestUser;

  beforeAll(async () => {
    [h, media] = await Promise.all([createHarness(), makeMediaFiles()]);
    owner = await registerUser(h, 'ranger');
  });
  afterAll(async () => {
    media.cleanup();
    await h.close();
  });

  const fetchUrl = (url: string, headers: Record<string, string> = {}) =>
    h.app.request(url.replace('http://localhost:8787', ''), { headers });

  it('serves the original through the signed URL, with Range (206) and 416', async () => {
    const projectId = (await createProject(h, owner, 'Ranges')).id;
    const a = (await (await upload(h, owner.token, projectId, media.mp4, 'range.mp4')).json()) as Asset;
    const full = await fetchUrl(a.urls.content);
    expect(full.status).toBe(200);
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(full.headers.get('content-type')).toBe('video/mp4');
    expect(new Uint8Array(await full.arrayBuffer())).toEqual(media.mp4);

    const part = await fetchUrl(a.urls.content, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${media.mp4.length}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(media.mp4.subarray(100, 200));

    const tail = await fetchUrl(a.urls.content, { range: 'bytes=-10' });
    expect(tail.status).toBe(206);
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(media.mp4.subarray(media.mp4.length - 10));

    const beyond = await fetchUrl(a.urls.content, { range: `bytes=${media.mp4.length}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${media.mp4.length}`);
    expect(errorBodySchema.parse(await beyond.json()).error.code).toBe('range_not_satisfiable');
  });
});

describe('assets when the server is misconfigured', () => {
  it('a missing ffprobe is a 500 without internals, not a "damaged file" 422, and leaves nothing', async () => {
    const { createNodeMediaProbe } = await import('../src/media/node-media-probe');
    const h = await createHarness({ probe: createNodeMediaProbe({ ffprobePath: '/nonexistent/ffprobe' }) });
    const media = await makeMediaFiles();
    try {
      const user = await registerUser(h, 'misconfigured');
      const project = await createProject(h, user);
      const res = await upload(h, user.token, project.id, media.wav, 'tone.wav');
      expect(res.status).toBe(500);
      const text = await res.text();
      const body = errorBodySchema.parse(JSON.parse(text));
      expect(body.error.code).toBe('internal');
      expect(body.error.message).toContain(res.headers.get('x-request-id')!);
      expect(text).not.toMatch(/nonexistent|ENOENT|spawn/);
      expect(filesUnder(h.deps.dataDir)).toEqual([]);
      const [row] = await h.db.sql<{ n: number }[]>`select count(*)::int as n from assets`;
      expect(row!.n).toBe(0);
    } finally {
      media.cleanup();
      await h.close();
    }
  });
});
