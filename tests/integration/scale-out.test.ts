import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceScenes } from '@clapboard/screenplay';
import { loadDocument } from '@clapboard/server/documents';
import { createTestDatabase, type TestDatabase, testServices, until } from '@clapboard/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { apiCall, signUp } from '../support/e2e-api';
import { type RunningServices, startServices } from '../support/service-processes';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const METRICS_TOKEN = 'scale-out-metrics-token-0123456789';
/** Every token a client types: `<c3n17>` is client 3's 17th edit. */
const TOKEN = /<c(\d+)n(\d+)>/g;
const tokensIn = (text: string) => [...text.matchAll(TOKEN)].map((m) => m[0]);

interface Typist {
  index: number;
  doc: Y.Doc;
  provider: WebsocketProvider;
  typed: number;
  timer?: NodeJS.Timeout;
}

/** A Prometheus sample's value from a text exposition, summed over the series that match `labels`. */
function sampleSum(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/**
 * Scale-out across real processes: two realtime, two API and two worker processes (each its own
 * main.ts, as Kubernetes runs them) on one Postgres and one Redis. Twenty collaborators on the
 * official y-websocket provider edit one document, spread over both realtime instances; one realtime
 * instance is SIGKILLed mid-stream. Jobs go to either API and are run by either worker.
 */
describe('scale-out: 2 realtime, 2 API and 2 worker processes on one Postgres and Redis', () => {
  let db: TestDatabase;
  let one: RunningServices;
  let two: RunningServices;
  let token: string;
  let projectId: string;
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-scale-'));
  chmodSync(dir, 0o755);

  beforeAll(async () => {
    const { databaseUrl, redisUrl } = testServices(process.env);
    db = await createTestDatabase(databaseUrl);
    // Both realtime instances compact the shared document every 50 updates (from memory, taking
    // turns on its snapshot), so compactions run before, during and after the kill.
    const shared = {
      WORKER_CONCURRENCY: '1',
      METRICS_TOKEN,
      LOG_LEVEL: 'warn',
      REALTIME_COMPACT_AFTER_UPDATES: '50',
    };
    // Instance one holds accepted updates for up to 100 ms before its insert (the most the setting
    // allows): when it is killed there is always a window of edits it relayed but never stored.
    one = await startServices({
      databaseUrl: db.url,
      redisUrl,
      dataDir: dir,
      env: { ...shared, REALTIME_BATCH_MS: '100' },
    });
    two = await startServices({
      databaseUrl: db.url,
      redisUrl,
      dataDir: dir,
      env: { ...shared, REDIS_PREFIX: one.env.REDIS_PREFIX, JWT_SECRET: one.env.JWT_SECRET },
    });
    token = (
      await signUp(one.apiUrl, { email: 'owner@scale.test', password: 'a long password', name: 'Owner' })
    ).accessToken;
    projectId = (
      await apiCall<{ id: string }>(two.apiUrl, '/projects', {
        method: 'POST',
        json: { name: 'Scale out' },
        token,
      })
    ).id;
  }, 180_000);
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A collaborator on `realtimeUrl`, with a ticket from the API at `apiUrl`, once synced. */
  const connect = async (apiUrl: string, realtimeUrl: string, doc = new Y.Doc()) => {
    const { ticket } = await apiCall<{ ticket: string }>(apiUrl, '/realtime/tickets', {
      method: 'POST',
      json: { projectId },
      token,
    });
    const provider = new WebsocketProvider(`${realtimeUrl.replace(/^http/, 'ws')}/yjs`, projectId, doc, {
      // biome-ignore lint/suspicious/noExplicitAny: ws implements the WebSocket surface the provider uses
      WebSocketPolyfill: WebSocket as any,
      params: { ticket },
      disableBc: true,
    });
    await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
    return { doc, provider };
  };
  /** Types one token at a random token boundary (so no token is ever split by another). */
  const typeOne = (t: Typist) => {
    const text = t.doc.getText('script');
    const s = text.toString();
    const boundaries = [0, ...[...s.matchAll(/>/g)].map((m) => m.index! + 1)];
    text.insert(boundaries[Math.floor(Math.random() * boundaries.length)]!, `<c${t.index}n${t.typed++}>`);
  };
  const startTyping = (t: Typist) => {
    t.timer = setInterval(() => typeOne(t), 40 + Math.random() * 40);
  };
  const stopTyping = (t: Typist) => clearInterval(t.timer);
  const storedText = async () => {
    const { doc } = await loadDocument(db.sql, projectId);
    const text = doc.getText('script').toString();
    doc.destroy();
    return text;
  };

  it('20 editors over both realtime instances, one SIGKILLed mid-stream: every acknowledged edit is stored exactly once and all replicas are equal', async () => {
    const typists: Typist[] = [];
    for (let i = 0; i < 20; i++) {
      // Even on instance one (to be killed), odd on instance two; tickets from either API.
      const realtime = i % 2 === 0 ? one.realtimeUrl : two.realtimeUrl;
      const { doc, provider } = await connect(i % 4 < 2 ? one.apiUrl : two.apiUrl, realtime);
      typists.push({ index: i, doc, provider, typed: 0 });
    }
    const onOne = typists.filter((t) => t.index % 2 === 0);
    const onTwo = typists.filter((t) => t.index % 2 === 1);
    for (const t of typists) startTyping(t);
    await sleep(2_500);

    await one.kill('realtime', 'SIGKILL');
    // Half of instance one's editors are gone with it (their tab closed in the same moment): what
    // they typed survives only if the other instance stored it when it was relayed. The other half
    // reconnect through the other instance, as a load balancer sends them, and go on typing.
    const gone = onOne.slice(0, 5);
    const failover = onOne.slice(5);
    for (const t of onOne) stopTyping(t);
    for (const t of gone) t.provider.destroy();
    for (const t of failover) {
      t.provider.destroy();
      t.provider = (await connect(two.apiUrl, two.realtimeUrl, t.doc)).provider;
      startTyping(t);
    }
    await sleep(1_500);
    for (const t of [...failover, ...onTwo]) stopTyping(t);

    // All live replicas converge…
    const live = [...failover, ...onTwo];
    const text = await until(
      () => live.map((t) => t.doc.getText('script').toString()),
      (texts) => texts.every((x) => x === texts[0]),
      15_000,
      'live replicas equal',
    ).then((texts) => texts[0]!);
    // …Postgres holds exactly what they hold…
    await until(storedText, (stored) => stored === text, 15_000, 'Postgres equal to the replicas');

    const tokens = tokensIn(text);
    // …every edit once (a duplicated or half-applied edit would show as a repeated token)…
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(text.replace(TOKEN, '')).toBe('');
    // …every edit of a live editor is there…
    const present = new Set(tokens);
    for (const t of live) {
      for (let n = 0; n < t.typed; n++) expect(present.has(`<c${t.index}n${n}>`)).toBe(true);
    }
    // …and the editors that vanished with the killed instance lost only what nobody else had seen:
    // what they typed reached instance two (and so every live replica) and was stored there.
    const fromGone = tokens.filter((tok) => gone.some((t) => tok.startsWith(`<c${t.index}n`)));
    expect(fromGone.length).toBeGreaterThan(gone.length * 4);
    // The survivor compacted from memory, and at least once found a snapshot the other had written.
    const health = (await (await fetch(`${two.realtimeUrl}/healthz`)).json()) as {
      compactionsFromMemory: number;
      compactionSnapshotRefreshes: number;
    };
    expect(health.compactionsFromMemory).toBeGreaterThanOrEqual(3);
    expect(health.compactionSnapshotRefreshes).toBeGreaterThanOrEqual(1);
    for (const t of [...failover, ...onTwo]) t.provider.destroy();
    await one.restart('realtime');
  }, 120_000);

  it('jobs submitted to either API are run by either worker, each exactly once', async () => {
    const { doc, provider } = await connect(one.apiUrl, two.realtimeUrl);
    // One scene per job, so no job reuses another's cached frame: every job has a step to run.
    const sceneIds = Array.from({ length: 12 }, (_, i) => `scene-${i}`);
    replaceScenes(
      doc,
      sceneIds.map((id, i) => ({
        id,
        heading: `INT. ROOM ${i} - NIGHT`,
        durationSec: 2 + (i % 3),
        dialogue: [{ character: 'MARA', text: `Line ${i}.`, parenthetical: null, extension: null }],
      })),
    );
    await until(
      async () => {
        const stored = await loadDocument(db.sql, projectId);
        const ok = Buffer.from(Y.encodeStateVector(stored.doc)).equals(Buffer.from(Y.encodeStateVector(doc)));
        stored.doc.destroy();
        return ok;
      },
      Boolean,
      10_000,
      'scenes stored',
    );
    provider.destroy();

    const jobIds: string[] = [];
    for (let i = 0; i < 12; i++) {
      const apiUrl = i % 2 === 0 ? one.apiUrl : two.apiUrl;
      const { job } = await apiCall<{ job: { id: string } }>(apiUrl, `/projects/${projectId}/jobs`, {
        method: 'POST',
        json: { type: 'scene.frame', params: { sceneId: sceneIds[i] }, idempotencyKey: `scale-${i}` },
        token,
      });
      jobIds.push(job.id);
    }
    const rows = await until(
      () =>
        db.sql<
          { id: string; status: string }[]
        >`select id, status from jobs where id = any(${jobIds}::uuid[])`,
      (r) => r.length === 12 && r.every((j) => ['completed', 'failed', 'cancelled'].includes(j.status)),
      150_000,
      'all jobs ended',
    );
    expect(rows.map((r) => r.status)).toEqual(Array(12).fill('completed'));
    // Each step ran once (one attempt, one charge)…
    const steps = await db.sql<{ job_id: string; name: string; status: string; attempts: number }[]>`
      select job_id, name, status, attempts from job_steps where job_id = any(${jobIds}::uuid[])`;
    const ran = steps.filter((s) => s.status === 'completed');
    expect(ran.length).toBeGreaterThanOrEqual(12);
    expect(ran.every((s) => s.attempts === 1)).toBe(true);
    const [ledger] = await db.sql<{ n: number; distinct: number }[]>`
      select count(*)::int as n, count(distinct (job_id, step))::int as distinct
      from cost_ledger where job_id = any(${jobIds}::uuid[])`;
    expect(ledger!.n).toBe(ran.length);
    expect(ledger!.distinct).toBe(ran.length);
    // …and the two workers between them report exactly those steps, both having taken a share.
    const perWorker = await Promise.all(
      [one, two].map(async (s) => {
        const text = await (
          await fetch(`${s.workerUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
        ).text();
        // Per step name, so the flow's own finishing job (not a step row) is not counted.
        return [...new Set(ran.map((r) => r.name))].reduce(
          (n, step) =>
            n +
            sampleSum(text, 'clapboard_job_step_duration_seconds_count', {
              type: 'scene.frame',
              step,
              outcome: 'completed',
            }),
          0,
        );
      }),
    );
    expect(perWorker[0]! + perWorker[1]!).toBe(ran.length);
    expect(Math.min(...perWorker)).toBeGreaterThan(0);
  }, 200_000);
});
