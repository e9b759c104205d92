import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  insertLessonRender,
  type LessonMedia,
  type LessonRenderFixture,
  makeLessonMedia,
  testPrefix,
} from '@clapboard/server/testing';
import { type LessonShare, MAX_SHARE_HOURS } from '@clapboard/shared/lessons';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { addMember, auth, createProject, registerUser, type TestUser } from './fixtures';
import { createHarness, type Harness } from './harness';

describe('lesson share links', () => {
  let h: Harness;
  let owner: TestUser;
  let viewer: TestUser;
  let projectId: string;
  let media: LessonMedia;
  let render: LessonRenderFixture;
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-shares-'));

  const newRender = (extra: Partial<Parameters<typeof insertLessonRender>[2]> = {}) =>
    insertLessonRender(h.db.sql, h.deps.blobStore, {
      projectId,
      userId: owner.id,
      title: 'Ladder safety',
      files: media,
      videoDurationSec: media.durationSec,
      chapters: media.chapters,
      ...extra,
    });
  const share = async (lessonId: string, body: Record<string, unknown>, user = owner) =>
    h.app.request(`/api/v1/lessons/${lessonId}/shares`, {
      method: 'POST',
      headers: auth(user.token),
      body: JSON.stringify(body),
    });
  const shareOf = async (r: LessonRenderFixture, hours = 24) => {
    const res = await share(r.lessonId, { jobId: r.jobId, expiresInHours: hours });
    expect(res.status).toBe(201);
    const body = (await res.json()) as LessonShare;
    return { ...body, token: body.url!.slice(body.url!.lastIndexOf('/') + 1) };
  };
  const get = (path: string, headers: Record<string, string> = {}) => h.app.request(path, { headers });

  beforeAll(async () => {
    h = await createHarness();
    owner = await registerUser(h, 'owner');
    viewer = await registerUser(h, 'viewer');
    projectId = (await createProject(h, owner, 'Safety')).id;
    await addMember(h, projectId, owner, viewer, 'viewer');
    media = makeLessonMedia(dir, 3);
    render = await newRender();
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creating one shows the link and iframe once; only the token’s SHA-256 is stored', async () => {
    const s = await shareOf(render, 48);
    expect(s.url).toMatch(/^http:\/\/localhost:8787\/embed\/[A-Za-z0-9_-]{43}$/);
    expect(s.embedHtml).toContain(`<iframe src="${s.url}" title="Ladder safety"`);
    expect(s.embedHtml).toContain('referrerpolicy="no-referrer"');
    const hours = (Date.parse(s.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(47.9);
    expect(hours).toBeLessThan(48.1);
    expect(Buffer.from(s.token, 'base64url')).toHaveLength(32);

    const sha = createHash('sha256').update(s.token).digest();
    const rows = await h.db.sql<
      { token_sha256: Buffer }[]
    >`select token_sha256 from lesson_shares where id = ${s.id}`;
    expect(Buffer.compare(rows[0]!.token_sha256, sha)).toBe(0);
    // Nowhere in clear: not in the share row, not in the audit log.
    const [dump] = await h.db.sql<{ text: string }[]>`
      select (select coalesce(string_agg(row_to_json(s)::text, ''), '') from lesson_shares s) ||
             (select coalesce(string_agg(row_to_json(a)::text, ''), '') from audit_log a) as text`;
    expect(dump!.text).not.toContain(s.token);

    const list = await get(`/api/v1/lessons/${render.lessonId}/shares`, auth(viewer.token));
    expect(list.status).toBe(200);
    const items = ((await list.json()) as { items: LessonShare[] }).items;
    const listed = items.find((i) => i.id === s.id)!;
    expect(listed).toMatchObject({ url: null, embedHtml: null, jobId: render.jobId, revokedAt: null });
  });

  it('the link plays without sign-in: the page (strict CSP, no referrer, framable), video with ranges, captions, poster', async () => {
    const s = await shareOf(render);
    const page = await get(`/embed/${s.token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain('frame-ancestors *');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-frame-options')).toBeNull();
    const html = await page.text();
    expect(html).toContain(`<source src="/embed/${s.token}/video" type="video/mp4">`);
    expect(html).toContain(`<track kind="captions" src="/embed/${s.token}/captions.vtt"`);
    expect(html).toContain(`<script src="/embed/${s.token}/player.js"></script>`);
    expect(html).toContain('"title":"The one idea"');
    expect(html).not.toMatch(/<script>|style=/);

    const bytes = readFileSync(media.video);
    const part = await get(`/embed/${s.token}/video`, { range: 'bytes=0-99' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(0, 100));
    const whole = await get(`/embed/${s.token}/video`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(bytes);
    expect((await get(`/embed/${s.token}/video`, { range: `bytes=${bytes.length + 10}-` })).status).toBe(416);
    const vtt = await get(`/embed/${s.token}/captions.vtt`);
    expect(vtt.status).toBe(200);
    expect(await vtt.text()).toMatch(/^WEBVTT/);
    const poster = await get(`/embed/${s.token}/poster`);
    expect(poster.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await poster.arrayBuffer())).toEqual(readFileSync(media.poster));
    const js = await get(`/embed/${s.token}/player.js`);
    expect(js.status).toBe(200);
    expect(await js.text()).toContain('ClapboardLesson');
    expect((await get(`/embed/${s.token}/player.css`)).status).toBe(200);
  });

  it('stops after its expiry: 410 with a page a person understands, and for every file', async () => {
    const s = await shareOf(render);
    expect((await get(`/embed/${s.token}`)).status).toBe(200);
    await h.db.sql`update lesson_shares set expires_at = now() - interval '1 second' where id = ${s.id}`;
    const page = await get(`/embed/${s.token}`);
    expect(page.status).toBe(410);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('This link has expired');
    const video = await get(`/embed/${s.token}/video`);
    expect(video.status).toBe(410);
    expect(((await video.json()) as { error: { code: string } }).error.code).toBe('gone');
  });

  it('stops when revoked (revoking twice is fine)', async () => {
    const s = await shareOf(render);
    const del = () =>
      h.app.request(`/api/v1/shares/${s.id}`, { method: 'DELETE', headers: auth(owner.token) });
    expect((await del()).status).toBe(204);
    expect((await del()).status).toBe(204);
    const page = await get(`/embed/${s.token}`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('turned off');
    expect((await get(`/embed/${s.token}/captions.vtt`)).status).toBe(410);
    const listed = (
      (await (await get(`/api/v1/lessons/${render.lessonId}/shares`, auth(owner.token))).json()) as {
        items: LessonShare[];
      }
    ).items.find((i) => i.id === s.id)!;
    expect(listed.revokedAt).not.toBeNull();
  });

  it('stops for a deleted lesson, and when the video is gone', async () => {
    const r = await newRender();
    const s = await shareOf(r);
    await h.db.sql`update lessons set deleted_at = now() where id = ${r.lessonId}`;
    const page = await get(`/embed/${s.token}`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('no longer available');
    expect((await get(`/embed/${s.token}/video`)).status).toBe(404);
    // A deleted lesson has no share list and takes no new shares.
    expect((await get(`/api/v1/lessons/${r.lessonId}/shares`, auth(owner.token))).status).toBe(404);
    expect((await share(r.lessonId, { jobId: r.jobId })).status).toBe(404);

    const r2 = await newRender();
    const s2 = await shareOf(r2);
    await h.db.sql`update assets set deleted_at = now() where id = ${r2.videoAssetId}`;
    expect((await get(`/embed/${s2.token}`)).status).toBe(404);
  });

  it('an unknown or malformed token is a 404 page', async () => {
    for (const token of ['A'.repeat(43), 'short', '%3Cscript%3E']) {
      const page = await get(`/embed/${token}`);
      expect(page.status).toBe(404);
      expect(await page.text()).toContain('This link does not work');
    }
  });

  it('only a completed final render of that lesson can be shared', async () => {
    const preview = await newRender({ mode: 'preview' });
    const running = await newRender({ status: 'queued' });
    const other = await newRender();
    const cases: Array<[string, Record<string, unknown>, number]> = [
      [preview.lessonId, { jobId: preview.jobId }, 422],
      [running.lessonId, { jobId: running.jobId }, 409],
      [render.lessonId, { jobId: other.jobId }, 422],
      [render.lessonId, { jobId: crypto.randomUUID() }, 422],
      [render.lessonId, { jobId: render.jobId, expiresInHours: MAX_SHARE_HOURS + 1 }, 400],
      [render.lessonId, { jobId: render.jobId, expiresInHours: 0 }, 400],
      [crypto.randomUUID(), { jobId: render.jobId }, 404],
    ];
    for (const [lessonId, body, status] of cases)
      expect({ body, status: (await share(lessonId, body)).status }).toEqual({ body, status });
    // A viewer may watch the list but not share.
    expect((await share(render.lessonId, { jobId: render.jobId }, viewer)).status).toBe(403);
  });

  it('the public routes are rate limited per IP', async () => {
    const s = await shareOf(render);
    const app = createApp({
      ...h.deps,
      redisPrefix: testPrefix('embed-rl'),
      embedRateLimit: { perIp: 3, windowSec: 60 },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await app.request(`/embed/${s.token}/captions.vtt`, {}, { ip: '10.9.8.7' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const other = await app.request(`/embed/${s.token}/captions.vtt`, {}, { ip: '10.9.8.8' });
    expect(other.status).toBe(200);
  });
});
