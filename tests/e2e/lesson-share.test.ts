/// <reference lib="dom" />
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '@clapboard/api/app';
import { createJobQueues, type JobQueues } from '@clapboard/server/jobs';
import { freePort } from '@clapboard/server/local-services';
import { createLogger } from '@clapboard/server/logger';
import { createRedis, type Redis } from '@clapboard/server/redis';
import { createLocalBlobStore } from '@clapboard/server/storage';
import {
  createTestDatabase,
  insertLessonRender,
  type LessonRenderFixture,
  makeLessonMedia,
  type TestDatabase,
  testPrefix,
  testServices,
} from '@clapboard/server/testing';
import type { LessonShare } from '@clapboard/shared/lessons';
import { getRequestListener } from '@hono/node-server';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeMediaProbe } from '../../apps/api/src/media/node-media-probe';
import { collectErrors, launchChromium } from '../support/browser';
import { signUp } from '../support/e2e-api';
import { type StaticServer, startStaticServer } from '../support/static-server';

/**
 * A share link in a real browser: the API (in-process, on a real port) serves the shared player
 * page under its strict Content-Security-Policy, framed by a page on another origin through the
 * iframe snippet the API gave; the video plays, the captions and chapters load, nothing is blocked
 * and nothing is asked of any other origin. After its expiry the same frame shows the
 * "expired" page.
 */

const tmp = mkdtempSync(join(tmpdir(), 'clapboard-e2e-share-'));
let db: TestDatabase;
let redis: Redis;
let queues: JobQueues;
let api: Server;
let apiUrl: string;
let host: StaticServer;
let browser: Browser;
let render: LessonRenderFixture;
let share: LessonShare;

beforeAll(async () => {
  const services = testServices(process.env);
  db = await createTestDatabase(services.databaseUrl);
  redis = createRedis(services.redisUrl);
  const prefix = testPrefix('share');
  queues = createJobQueues(redis, prefix);
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  const blobStore = createLocalBlobStore(join(tmp, 'blobs'));
  const app = createApp({
    sql: db.sql,
    redis,
    queues,
    log: createLogger('share-e2e', { level: 'silent' }),
    jwtSecret: 'share-e2e-secret-0123456789-0123456789',
    dataDir: tmp,
    publicUrl: apiUrl,
    blobStore,
    probe: createNodeMediaProbe(),
    redisPrefix: prefix,
  });
  api = createServer(getRequestListener(app.fetch));
  await new Promise<void>((r) => api.listen(port, '127.0.0.1', () => r()));

  // An owner, a project, a finished lesson render and a share made through the API.
  const call = async <T>(path: string, body: unknown, token?: string): Promise<T> => {
    const res = await fetch(`${apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const { accessToken, user } = await signUp(apiUrl, {
    email: 'sharer@example.test',
    password: 'correct horse battery',
    name: 'Sharer',
  });
  const project = await call<{ id: string }>('/api/v1/projects', { name: 'Shared lessons' }, accessToken);
  const media = makeLessonMedia(tmp, 3);
  render = await insertLessonRender(db.sql, blobStore, {
    projectId: project.id,
    userId: user.id,
    title: 'Lifting safely',
    files: media,
    videoDurationSec: media.durationSec,
    chapters: media.chapters,
  });
  share = await call<LessonShare>(
    `/api/v1/lessons/${render.lessonId}/shares`,
    { jobId: render.jobId, expiresInHours: 1 },
    accessToken,
  );
  writeFileSync(
    join(tmp, 'blog.html'),
    `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>A blog</title></head><body><h1>Our lesson</h1>${share.embedHtml}</body></html>`,
  );
  [host, browser] = await Promise.all([
    startStaticServer({ '/blog.html': join(tmp, 'blog.html') }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await new Promise<void>((r) => (api ? api.close(() => r()) : r()));
  await queues?.close();
  redis?.disconnect();
  await db?.drop();
  rmSync(tmp, { recursive: true, force: true });
});

/** The share's frame on the blog page, once its navigation has committed. */
async function embedFrame(page: Page): Promise<Frame> {
  let frame: Frame | undefined;
  await expect
    .poll(() => {
      frame = page.frames().find((f) => f.url() === share.url);
      return !!frame;
    })
    .toBe(true);
  return frame!;
}

describe('a lesson share link in a browser', () => {
  it('plays framed on another site under its CSP, with captions and chapters, asking nothing elsewhere', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectErrors(page);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${host.url}/blog.html`);
    const frame = await embedFrame(page);
    await frame.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    const facts = await frame.evaluate(async () => {
      const v = document.getElementById('lesson-video') as HTMLVideoElement;
      const track = v.textTracks[0]!;
      track.mode = 'showing';
      v.muted = true;
      v.playbackRate = 3;
      await v.play();
      await new Promise((r) => v.addEventListener('ended', r, { once: true }));
      return {
        ended: v.ended,
        played: v.played.length ? v.played.end(0) : 0,
        cues: track.cues?.length ?? 0,
        chapters: [...document.querySelectorAll('.lesson-chapter')].map((b) => b.textContent),
        progressHidden: (document.getElementById('lesson-progress') as HTMLElement).hidden,
      };
    });
    expect(facts).toEqual({
      ended: true,
      played: 3,
      cues: 2,
      chapters: ['0:00Welcome', '0:01The one idea'],
      progressHidden: true,
    });
    expect(errors).toEqual([]);
    const token = share.url!.slice(share.url!.lastIndexOf('/') + 1);
    const elsewhere = requests.filter(
      (u) => !u.startsWith(`${host.url}/blog.html`) && !u.startsWith(`${apiUrl}/embed/${token}`),
    );
    expect(elsewhere).toEqual([]);
    expect(requests.some((u) => u === `${apiUrl}/embed/${token}/video`)).toBe(true);
    await context.close();
  });

  it('after its expiry the frame shows the "expired" page', async () => {
    await db.sql`update lesson_shares set expires_at = now() - interval '1 second' where id = ${share.id}`;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${host.url}/blog.html`);
    const frame = await embedFrame(page);
    await frame.waitForSelector('h1');
    expect(await frame.textContent('h1')).toBe('This link has expired');
    await context.close();
  });
});
