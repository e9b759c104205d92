import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceScenes } from '@clapboard/screenplay';
import { jobStore } from '@clapboard/server/jobs';
import { createTestDatabase, type TestDatabase, testServices, until } from '@clapboard/server/testing';
import type { ClientToServerEvents, ServerToClientEvents } from '@clapboard/shared/events';
import { estimatePlan, planJob } from '@clapboard/shared/job-plan';
import type { Job, JobFinished, JobProgress } from '@clapboard/shared/jobs';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { signUp } from '../support/e2e-api';
import { type RunningServices, startServices } from '../support/service-processes';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
type Heard = { at: number; progress: JobProgress[]; finished: JobFinished[] };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The job service across real processes: the API, realtime server and worker are their own
 * main.ts processes on real Postgres and Redis; the test watches with socket.io-client, edits with
 * the official y-websocket provider and SIGKILLs processes mid-job.
 */
describe('job service across real processes: truthful progress, recovery from SIGKILL', () => {
  let db: TestDatabase;
  let svc: RunningServices;
  let token: string;
  let projectId: string;
  let doc: Y.Doc;
  let provider: WebsocketProvider;
  let watcher: Client;
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-jobsvc-'));
  chmodSync(dir, 0o755);
  /** Everything the project room heard, per job, with when each progress event arrived. */
  const heard = new Map<string, Heard>();
  const times = new Map<string, number[]>();
  const of = (jobId: string): Heard => {
    const h = heard.get(jobId) ?? { at: Date.now(), progress: [], finished: [] };
    heard.set(jobId, h);
    return h;
  };

  const api = async <T>(path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${svc.apiUrl}/api/v1${path}`, {
      ...init,
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  };
  const jobRow = async (id: string) =>
    (
      await db.sql<{ status: string; error: string | null; run: number }[]>`
        select status, error, run from jobs where id = ${id}`
    )[0]!;
  const ended = (id: string, ms = 120_000) =>
    until(
      () => jobRow(id),
      (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
      ms,
      `job ${id} to end\n${svc.output().slice(-3000)}`,
    );
  /** Steps run once, charged once: each non-reused step has exactly one ledger entry. */
  const expectChargedOnce = async (jobId: string) => {
    const steps = await db.sql<{ name: string; status: string }[]>`
      select name, status from job_steps where job_id = ${jobId} order by name`;
    const ledger = await db.sql<
      { step: string }[]
    >`select step from cost_ledger where job_id = ${jobId} order by step`;
    expect(steps.every((s) => s.status === 'completed' || s.status === 'reused')).toBe(true);
    expect(ledger.map((l) => l.step)).toEqual(
      steps.filter((s) => s.status === 'completed').map((s) => s.name),
    );
    // The project's running cost totals (kept by triggers) still equal the sums over its rows
    // after crashes, retried steps and re-deliveries.
    const [totals] = await db.sql<
      { kept: string; summed: string; kept_spent: string; summed_spent: string }[]
    >`
      select
        (select reserved_usd from project_cost_totals t where t.project_id = j.project_id) as kept,
        (select coalesce(sum(greatest(cost_estimate_usd - cost_actual_usd, 0)), 0) from jobs l
          where l.project_id = j.project_id and l.status in ('queued', 'running')) as summed,
        (select spent_usd from project_cost_totals t where t.project_id = j.project_id) as kept_spent,
        (select coalesce(sum(amount_usd), 0) from cost_ledger c where c.project_id = j.project_id) as summed_spent
      from jobs j where j.id = ${jobId}`;
    expect(Number(totals!.kept)).toBe(Number(totals!.summed));
    expect(Number(totals!.kept_spent)).toBe(Number(totals!.summed_spent));
    return steps;
  };
  const setScenes = (scenes: Array<{ id: string; heading: string; durationSec: number; lines: string[] }>) =>
    replaceScenes(
      doc,
      scenes.map((s) => ({
        id: s.id,
        heading: s.heading,
        durationSec: s.durationSec,
        dialogue: s.lines.map((text, i) => ({
          character: i % 2 ? 'JONAS' : 'MARA',
          text,
          parenthetical: null,
          extension: null,
        })),
      })),
    );
  /** Waits until the realtime server stored the document as this client has it. */
  const persisted = async () => {
    const want = Y.encodeStateVector(doc);
    await until(
      async () => {
        const rows = await db.sql<{ update: Buffer }[]>`
          select update from doc_updates where doc_id = ${projectId}
          union all select state as update from doc_snapshots where doc_id = ${projectId}`;
        const stored = new Y.Doc();
        for (const r of rows) Y.applyUpdate(stored, r.update);
        return Buffer.from(Y.encodeStateVector(stored)).equals(Buffer.from(want));
      },
      Boolean,
      10_000,
      'document persisted',
    );
  };
  const render = async (label: string) => {
    const res = await api<{ job: Job }>(`/projects/${projectId}/jobs`, {
      method: 'POST',
      json: { type: 'render.video', params: { preset: { resolution: '480p' } }, idempotencyKey: label },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    of(res.body.job.id).at = Date.now();
    return res.body.job.id;
  };

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServices(process.env);
    db = await createTestDatabase(databaseUrl);
    svc = await startServices({
      databaseUrl: db.url,
      redisUrl,
      dataDir: dir,
      env: {
        WORKER_LOCK_MS: '3000',
        WORKER_CONCURRENCY: '2',
        JOB_RECONCILE_AFTER_SEC: '2',
        JOB_RECONCILE_EVERY_SEC: '1',
        LOG_LEVEL: 'warn',
      },
    });
    token = (
      await signUp(svc.apiUrl, { email: 'owner@jobsvc.test', password: 'a long password', name: 'Owner' })
    ).accessToken;
    projectId = (await api<{ id: string }>('/projects', { method: 'POST', json: { name: 'Job service' } }))
      .body.id;

    const { body: t1 } = await api<{ ticket: string }>('/realtime/tickets', {
      method: 'POST',
      json: { projectId },
    });
    doc = new Y.Doc();
    provider = new WebsocketProvider(`${svc.realtimeUrl.replace(/^http/, 'ws')}/yjs`, projectId, doc, {
      // biome-ignore lint/suspicious/noExplicitAny: ws implements the WebSocket surface the provider uses
      WebSocketPolyfill: WebSocket as any,
      params: { ticket: t1.ticket },
      disableBc: true,
    });
    await new Promise<void>((r) => provider.once('sync', () => r()));

    const { body: t2 } = await api<{ ticket: string }>('/realtime/tickets', {
      method: 'POST',
      json: { projectId },
    });
    watcher = io(svc.realtimeUrl, { auth: { ticket: t2.ticket }, transports: ['websocket'] });
    await new Promise<void>((resolve, reject) => {
      watcher.once('connect', () => resolve());
      watcher.once('connect_error', reject);
    });
    watcher.on('job:progress', (e) => {
      of(e.jobId).progress.push(e);
      times.set(e.jobId, [...(times.get(e.jobId) ?? []), Date.now()]);
    });
    watcher.on('job:finished', (e) => of(e.jobId).finished.push(e));
    expect(await watcher.emitWithAck('project:watch', { type: 'project:watch', projectId })).toMatchObject({
      ok: true,
    });
  }, 120_000);
  afterAll(async () => {
    watcher?.close();
    provider?.destroy();
    await svc?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a render’s progress never goes back, reaches 90 % only late in the job, and 100 only when it completed', async () => {
    setScenes([
      { id: 'harbour', heading: 'EXT. HARBOUR - NIGHT', durationSec: 3, lines: ['The ferry is late again.'] },
      { id: 'cabin', heading: 'INT. CABIN - DAY', durationSec: 4, lines: ['Sit down.', 'Thank you, Jonas.'] },
      { id: 'deck', heading: 'EXT. DECK - DAWN', durationSec: 3, lines: ['Home at last.'] },
    ]);
    await persisted();
    const jobId = await render('progress');
    const row = await ended(jobId);
    expect(row.status).toBe('completed');
    await until(
      () => of(jobId).finished.length,
      (n) => n >= 1,
      5_000,
      'job:finished',
    );
    await sleep(300); // a late or duplicate event would arrive by now
    const { progress, finished, at } = of(jobId);
    const at90 = times.get(jobId)!;
    expect(finished).toHaveLength(1);
    const values = progress.map((p) => p.progress);
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
    expect(values.at(-1)).toBe(100);
    expect(values.filter((v) => v === 100)).toHaveLength(1);
    // Every step event names its step, its own percent and (once there is throughput) an ETA.
    const stepEvents = progress.slice(0, -1);
    expect(stepEvents.every((p) => typeof p.step === 'string' && typeof p.stepProgress === 'number')).toBe(
      true,
    );
    expect(stepEvents.some((p) => p.etaSec !== null && p.etaSec > 0)).toBe(true);
    const wall = at90.at(-1)! - at;
    const first90 = at90[values.findIndex((v) => v >= 90)]! - at;
    expect(first90 / wall, `90 % at ${first90} ms of ${wall} ms: ${values.join(' ')}`).toBeGreaterThanOrEqual(
      0.7,
    );
  }, 180_000);

  it('the API SIGKILLed during submissions: every job that got a row completes exactly once', async () => {
    // Submissions in flight when the API dies; whichever got a row but no queue entry is recovered.
    const sends = Array.from({ length: 8 }, (_, i) =>
      api(`/projects/${projectId}/jobs`, {
        method: 'POST',
        json: {
          type: 'scene.frame',
          params: { sceneId: ['harbour', 'cabin', 'deck'][i % 3] },
          idempotencyKey: `kill-${i}`,
        },
      }).catch(() => null),
    );
    await until(
      async () => (await db.sql`select 1 from jobs where idempotency_key like 'kill-%'`).length,
      (n) => n >= 1,
      10_000,
      'a submission reached Postgres',
    );
    await svc.kill('api', 'SIGKILL');
    await Promise.all(sends);
    // And exactly the crash window itself: a committed row whose flow never reached Redis.
    const plan = planJob('scene.frame', { sceneId: 'cabin' });
    const orphan = await jobStore.insertJob(db.sql, {
      projectId,
      userId: null,
      type: 'scene.frame',
      params: { sceneId: 'cabin' },
      priority: 3,
      estimate: estimatePlan('scene.frame', plan),
    });
    await svc.restart('api');
    const rows = await db.sql<
      { id: string }[]
    >`select id from jobs where idempotency_key like 'kill-%' or id = ${orphan.id}`;
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const { id } of rows) {
      expect((await ended(id, 60_000)).status).toBe('completed');
      await expectChargedOnce(id);
    }
    await sleep(500);
    for (const { id } of rows) expect(of(id).finished).toHaveLength(1);
  }, 180_000);

  for (const phase of ['scene-0/shot', 'assemble'] as const) {
    it(`the worker SIGKILLed during a render’s ${phase === 'assemble' ? 'assembly' : 'shot'}: the render completes once, steps and charges once`, async () => {
      setScenes([
        {
          id: `long-${phase}`,
          heading: 'INT. LONG CORRIDOR - NIGHT',
          durationSec: 20,
          lines: [`Keep walking, ${phase === 'assemble' ? 'Jonas' : 'Mara'}.`],
        },
      ]);
      await persisted();
      const jobId = await render(`crash-${phase}`);
      await until(
        async () =>
          (
            await db.sql`select 1 from job_steps where job_id = ${jobId} and name = ${phase} and status = 'running'`
          ).length,
        (n) => n === 1,
        120_000,
        `${phase} running`,
      );
      await svc.kill('worker', 'SIGKILL');
      // The killed worker's FFmpeg runs in its own process group; a real crash takes the container with it.
      try {
        // Children are tied to their worker (spawnTied: setpriv --pdeathsig): its ffmpeg dies with it.
        for (
          const until = Date.now() + 2_000;
          spawnSync('pgrep', ['-f', `ffmpeg.*${jobId}-`]).status === 0;
        ) {
          if (Date.now() > until) throw new Error('ffmpeg outlived its killed worker');
          await new Promise((r) => setTimeout(r, 50));
        }
      } catch {
        // none was running at that instant
      }
      await svc.restart('worker');
      const row = await ended(jobId, 150_000);
      expect(row.error).toBeNull();
      expect(row.status).toBe('completed');
      const steps = await expectChargedOnce(jobId);
      const attempts = await db.sql<{ name: string; attempts: number }[]>`
        select name, attempts from job_steps where job_id = ${jobId} and name = ${phase}`;
      expect(attempts[0]!.attempts).toBe(2); // the killed attempt and the one that finished
      expect(steps.map((s) => s.name)).toContain('assemble');
      await sleep(500);
      expect(of(jobId).finished).toHaveLength(1);
      expect(of(jobId).finished[0]!.status).toBe('completed');
      const values = of(jobId).progress.map((p) => p.progress);
      for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
    }, 240_000);
  }
});
