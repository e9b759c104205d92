import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEdge, type RunningWorkerd, startWorkerd } from '@clapboard/api/edge';
import { freePort, type LocalS3, startLocalS3 } from '@clapboard/server/local-services';
import { s3BlobStoreEnv } from '@clapboard/server/storage';
import { createTestDatabase, type TestDatabase, testServices } from '@clapboard/server/testing';
import type { Asset } from '@clapboard/shared/api';
import type { ClientToServerEvents, ServerToClientEvents } from '@clapboard/shared/events';
import type { Job, JobFinished, JobProgress } from '@clapboard/shared/jobs';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServices, startServices } from '../support/service-processes';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The deployment the edge entry is for, on one machine: the API on workerd (the bundle
 * `npm run build:edge` makes) in front of the realtime server, a worker and a Node API (the
 * media probe service only), all on one Postgres, one Redis and one S3 bucket. A browser's path:
 * sign up, upload a video, submit a job through the edge, watch it over Socket.IO to the end.
 */
describe('a job submitted through the edge API runs on a worker and is watched to completion', () => {
  let db: TestDatabase;
  let s3: LocalS3;
  let svc: RunningServices;
  let edge: RunningWorkerd;
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-edge-live-'));
  chmodSync(dir, 0o755);
  const sockets: Client[] = [];

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServices(process.env);
    db = await createTestDatabase(databaseUrl);
    s3 = await startLocalS3(join(dir, 's3'));
    const shared = {
      REDIS_PREFIX: `edge${randomBytes(4).toString('hex')}`,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      ...s3BlobStoreEnv(s3.options),
      MEDIA_PROBE_TOKEN: randomBytes(32).toString('hex'),
    };
    const [, services] = await Promise.all([
      buildEdge(),
      startServices({ databaseUrl: db.url, redisUrl, dataDir: dir, env: shared }),
    ]);
    svc = services;
    const port = await freePort();
    // A built web app in miniature: the edge serves it through its ASSETS binding.
    mkdirSync(join(dir, 'web/assets'), { recursive: true });
    writeFileSync(
      join(dir, 'web/index.html'),
      '<!doctype html><html><head><title>Clapboard</title></head><body></body></html>',
    );
    writeFileSync(join(dir, 'web/assets/app-1234.js'), 'console.log("studio");');
    edge = await startWorkerd({
      port,
      assetsDir: join(dir, 'web'),
      bindings: {
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        ...shared,
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl,
        LOG_LEVEL: 'warn',
        MEDIA_PROBE_URL: svc.apiUrl,
        REALTIME_PUBLIC_URL: svc.realtimeUrl,
      },
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await edge?.close();
    await svc?.stop();
    await s3?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const api = async <T>(path: string, token: string | null, init: RequestInit & { json?: unknown } = {}) => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${edge.url}/api/v1${path}`, {
      ...init,
      headers: { ...headers, 'cf-connecting-ip': '203.0.113.7' },
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  };

  it('sign-up, upload (probed by the Node API), submit, and ordered progress to one job:finished over Socket.IO', async () => {
    const signup = await api<{ accessToken: string }>('/auth/register', null, {
      method: 'POST',
      json: { email: 'edge@jobs.test', password: 'a long password', name: 'Edge' },
    });
    expect(signup.status).toBe(201);
    const token = signup.body.accessToken;
    const project = await api<{ id: string }>('/projects', token, {
      method: 'POST',
      json: { name: 'Edge jobs' },
    });
    expect(project.status).toBe(201);

    const video = join(dir, 'clip.mp4');
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25:d=4'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', video],
    ]);
    const form = new FormData();
    form.append('file', new Blob([readFileSync(video)], { type: 'video/mp4' }), 'clip.mp4');
    const uploaded = await api<Asset>(`/projects/${project.body.id}/assets`, token, {
      method: 'POST',
      body: form,
    });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ kind: 'video', width: 640, height: 360, hasThumbnail: true });
    expect(uploaded.body.durationSec).toBeCloseTo(4, 0);

    const ticket = await api<{ ticket: string }>('/realtime/tickets', token, {
      method: 'POST',
      json: { projectId: project.body.id },
    });
    expect(ticket.status).toBe(200);
    const watcher: Client = io(svc.realtimeUrl, {
      auth: { ticket: ticket.body.ticket },
      transports: ['websocket'],
      reconnection: false,
    });
    sockets.push(watcher);
    await new Promise<void>((resolve, reject) => {
      watcher.once('connect', () => resolve());
      watcher.once('connect_error', reject);
    });
    const created: string[] = [];
    const progress: JobProgress[] = [];
    const finished: JobFinished[] = [];
    watcher.on('job:created', (e) => created.push(e.payload.job.id));
    watcher.on('job:progress', (e) => progress.push(e));
    watcher.on('job:finished', (e) => finished.push(e));
    const joined = await watcher.emitWithAck('project:watch', {
      type: 'project:watch',
      projectId: project.body.id,
    });
    expect(joined).toEqual({ ok: true, projectId: project.body.id });

    const submitted = await api<{ job: Job }>(`/projects/${project.body.id}/jobs`, token, {
      method: 'POST',
      json: { type: 'assets.derive', params: { assetId: uploaded.body.id } },
    });
    expect(submitted.status).toBe(202);
    const jobId = submitted.body.job.id;

    const deadline = Date.now() + 60_000;
    while (finished.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500)); // a duplicate would arrive by now
    expect(created).toEqual([jobId]);
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ jobId, status: 'completed' });
    expect(finished[0]!.outputs.map((o) => o.name).sort()).toEqual(['poster', 'probe', 'strip', 'thumbnail']);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]!.progress).toBeGreaterThanOrEqual(progress[i - 1]!.progress);
    expect(progress.at(-1)!.progress).toBe(100);

    // The edge reads it back as completed, and its outputs download through presigned S3 URLs.
    const detail = await api<Job>(`/jobs/${jobId}`, token);
    expect(detail.body).toMatchObject({ status: 'completed' });
    const poster = finished[0]!.outputs.find((o) => o.name === 'poster') as { assetId: string };
    const asset = await api<Asset>(`/assets/${poster.assetId}`, token);
    const redirect = await fetch(asset.body.urls.content, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(new URL(redirect.headers.get('location')!).origin).toBe(new URL(s3.options.endpoint).origin);
    const bytes = new Uint8Array(await (await fetch(redirect.headers.get('location')!)).arrayBuffer());
    expect([...bytes.subarray(0, 4)]).not.toEqual([0, 0, 0, 0]);
    expect(bytes.length).toBeGreaterThan(100);
  });

  it('serves the web app: files with their type and cache policy, index.html with the realtime address and upload mode for deep links, under the security headers', async () => {
    const script = await fetch(`${edge.url}/assets/app-1234.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect(await script.text()).toBe('console.log("studio");');
    for (const path of ['/', '/projects/3f0c/storyboard']) {
      const page = await fetch(`${edge.url}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await page.text();
      expect(html).toContain(`<meta name="clapboard-realtime" content="${svc.realtimeUrl}">`);
      // Files go straight to the bucket: the page says so, and its policy lets it PUT there.
      expect(html).toContain('<meta name="clapboard-uploads" content="direct">');
      expect(page.headers.get('content-security-policy')).toContain(
        `connect-src 'self' ws: wss: ${new URL(s3.options.endpoint).origin}`,
      );
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    }
    // The bucket lets the page PUT to it (the browser asks first).
    const preflight = await fetch(`${s3.options.endpoint}/${s3.options.bucket}/any-key`, {
      method: 'OPTIONS',
      headers: {
        origin: edge.url,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
    // API paths never fall through to the web app.
    expect((await fetch(`${edge.url}/api/v1/nothing-here`)).status).toBe(404);
    expect((await fetch(`${edge.url}/healthz`)).status).toBe(200);
  });
});
