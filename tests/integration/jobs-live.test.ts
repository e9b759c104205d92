import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase, testServices } from '@clapboard/server/testing';
import type { ClientToServerEvents, ServerToClientEvents } from '@clapboard/shared/events';
import type { Job, JobFinished, JobProgress } from '@clapboard/shared/jobs';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../support/e2e-api';
import { type RunningServices, startServices } from '../support/service-processes';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('jobs across real processes: API → queue → worker → Socket.IO watchers', () => {
  let db: TestDatabase;
  let svc: RunningServices;
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-jobs-live-'));
  chmodSync(dir, 0o755);
  const sockets: Client[] = [];

  const api = async <T>(
    path: string,
    token: string | null,
    init: RequestInit & { json?: unknown } = {},
  ): Promise<{ status: number; body: T }> => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${svc.apiUrl}/api/v1${path}`, {
      ...init,
      headers: { ...headers, ...(init.headers as Record<string, string>) },
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  };
  const register = (name: string) =>
    signUp(svc.apiUrl, { email: `${name}@jobs.test`, password: 'a long password', name });
  const connect = async (token: string, projectId: string): Promise<Client> => {
    const { body } = await api<{ ticket: string }>('/realtime/tickets', token, {
      method: 'POST',
      json: { projectId },
    });
    const socket: Client = io(svc.realtimeUrl, {
      auth: { ticket: body.ticket },
      transports: ['websocket'],
      reconnection: false,
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  };

  /** A real 8-second video, uploaded through the API like the browser does. */
  const uploadClip = async (projectId: string, token: string) => {
    const video = join(dir, 'clip.mp4');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=640x360:r=25:d=8',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      video,
    ]);
    const form = new FormData();
    form.append('file', new Blob([readFileSync(video)], { type: 'video/mp4' }), 'clip.mp4');
    const uploaded = await api<{ id: string }>(`/projects/${projectId}/assets`, token, {
      method: 'POST',
      body: form,
    });
    expect(uploaded.status).toBe(201);
    return uploaded;
  };

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServices(process.env);
    db = await createTestDatabase(databaseUrl);
    svc = await startServices({ databaseUrl: db.url, redisUrl, dataDir: dir });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await svc?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a watcher sees ordered progress then exactly one job:finished; a late joiner gets the state in the ack; outsiders see nothing', async () => {
    const owner = await register('owner');
    const outsider = await register('outsider');
    const project = (
      await api<{ id: string }>('/projects', owner.accessToken, {
        method: 'POST',
        json: { name: 'Live jobs' },
      })
    ).body;
    const theirs = (
      await api<{ id: string }>('/projects', outsider.accessToken, {
        method: 'POST',
        json: { name: 'Elsewhere' },
      })
    ).body;

    const uploaded = await uploadClip(project.id, owner.accessToken);

    const watcher = await connect(owner.accessToken, project.id);
    const progress: JobProgress[] = [];
    const finished: JobFinished[] = [];
    watcher.on('job:progress', (e) => progress.push(e));
    watcher.on('job:finished', (e) => finished.push(e));

    const created = await api<{ job: Job }>(`/projects/${project.id}/jobs`, owner.accessToken, {
      method: 'POST',
      json: { type: 'assets.derive', params: { assetId: uploaded.body.id } },
    });
    expect(created.status).toBe(202);
    const jobId = created.body.job.id;
    const ack = await watcher.emitWithAck('job:watch', { type: 'job:watch', jobId });
    expect(ack).toMatchObject({ ok: true, job: { id: jobId, projectId: project.id } });

    const deadline = Date.now() + 60_000;
    while (finished.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500)); // a duplicate would arrive by now
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ jobId, status: 'completed' });
    expect(finished[0]!.outputs.map((o) => o.name).sort()).toEqual(['poster', 'probe', 'strip', 'thumbnail']);
    expect(progress.length).toBeGreaterThan(0);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]!.progress).toBeGreaterThanOrEqual(progress[i - 1]!.progress);
    expect(progress.at(-1)!.progress).toBe(100);

    // Joining late: the ack carries the finished state from Postgres, outputs included.
    const late = await connect(owner.accessToken, project.id);
    const lateAck = await late.emitWithAck('job:watch', { type: 'job:watch', jobId });
    expect(lateAck).toMatchObject({ ok: true, job: { status: 'completed', progress: { progress: 100 } } });

    // The HTTP view agrees: steps, cost estimate vs actual.
    const detail = (
      await api<Job & { steps: Array<{ name: string; status: string }> }>(`/jobs/${jobId}`, owner.accessToken)
    ).body;
    expect(detail.steps.map((s) => [s.name, s.status])).toEqual(
      expect.arrayContaining([
        ['probe', 'completed'],
        ['thumbnail', 'completed'],
        ['strip', 'completed'],
      ]),
    );
    expect(detail.costActualUsd).toBeGreaterThan(0);

    // A non-member can neither watch, read, cancel nor create jobs in the project.
    const stranger = await connect(outsider.accessToken, theirs.id);
    expect(await stranger.emitWithAck('job:watch', { type: 'job:watch', jobId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect((await api(`/jobs/${jobId}`, outsider.accessToken)).status).toBe(404);
    expect((await api(`/jobs/${jobId}/cancel`, outsider.accessToken, { method: 'POST' })).status).toBe(404);
    expect(
      (
        await api(`/projects/${project.id}/jobs`, outsider.accessToken, {
          method: 'POST',
          json: { type: 'assets.derive', params: { assetId: uploaded.body.id } },
        })
      ).status,
    ).toBe(404);
  });

  it('every member in the project room hears job:created → job:progress → job:finished for a submitted job; a non-member cannot join the room and hears nothing', async () => {
    const owner = await register('room-owner');
    const editor = await register('room-editor');
    const outsider = await register('room-outsider');
    const project = (
      await api<{ id: string }>('/projects', owner.accessToken, {
        method: 'POST',
        json: { name: 'Room jobs' },
      })
    ).body;
    const theirs = (
      await api<{ id: string }>('/projects', outsider.accessToken, {
        method: 'POST',
        json: { name: 'Theirs' },
      })
    ).body;
    const invited = await api(`/projects/${project.id}/members`, owner.accessToken, {
      method: 'POST',
      json: { email: 'room-editor@jobs.test', role: 'editor' },
    });
    expect(invited.status).toBe(201);
    const uploaded = await uploadClip(project.id, owner.accessToken);

    type Heard = { event: string; jobId: string; progress?: number; status?: string };
    const listen = (socket: Client) => {
      const heard: Heard[] = [];
      socket.on('job:created', (e) => heard.push({ event: 'created', jobId: e.payload.job.id }));
      socket.on('job:progress', (e) =>
        heard.push({ event: 'progress', jobId: e.jobId, progress: e.progress }),
      );
      socket.on('job:finished', (e) => heard.push({ event: 'finished', jobId: e.jobId, status: e.status }));
      return heard;
    };
    const members = [
      await connect(owner.accessToken, project.id),
      await connect(editor.accessToken, project.id),
    ];
    for (const m of members)
      expect(await m.emitWithAck('project:watch', { type: 'project:watch', projectId: project.id })).toEqual({
        ok: true,
        projectId: project.id,
      });
    // The outsider's ticket is for their own project; joining ours is refused like an unknown id.
    const stranger = await connect(outsider.accessToken, theirs.id);
    expect(
      await stranger.emitWithAck('project:watch', { type: 'project:watch', projectId: project.id }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const heardBy = members.map(listen);
    const strangerHeard: Heard[] = [];
    stranger.onAny((name) => strangerHeard.push({ event: String(name), jobId: '' }));

    const created = await api<{ job: Job }>(`/projects/${project.id}/jobs`, editor.accessToken, {
      method: 'POST',
      json: { type: 'assets.derive', params: { assetId: uploaded.body.id } },
    });
    expect(created.status).toBe(202);
    const jobId = created.body.job.id;

    const deadline = Date.now() + 60_000;
    const done = (h: Heard[]) => h.some((e) => e.event === 'finished' && e.jobId === jobId);
    while (!heardBy.every(done) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500)); // a late or duplicate event would arrive by now
    for (const heard of heardBy) {
      const mine = heard.filter((e) => e.jobId === jobId);
      expect(mine[0]).toEqual({ event: 'created', jobId });
      expect(mine.at(-1)).toEqual({ event: 'finished', jobId, status: 'completed' });
      const progress = mine.slice(1, -1);
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.every((e) => e.event === 'progress')).toBe(true);
      for (let i = 1; i < progress.length; i++)
        expect(progress[i]!.progress!).toBeGreaterThanOrEqual(progress[i - 1]!.progress!);
      expect(progress.at(-1)!.progress).toBe(100);
    }
    expect(strangerHeard).toEqual([]);
  });
});
