/**
 * npm run bench:jobs — needs DATABASE_URL and REDIS_URL (real Postgres and Redis).
 *
 * (a) Enqueue throughput: jobs created through the real API process over HTTP (validation, auth,
 *     budget check under a project row lock, jobs row, 4-node BullMQ flow) beside raw BullMQ on
 *     the same Redis in the same run: Queue.addBulk of plain jobs, and FlowProducer.add of the
 *     same 4-node flow the API builds.
 * (b) Worker-progress-to-client latency: 1,000 Socket.IO clients watch one job on the real
 *     realtime process; progress events are emitted through the Redis emitter exactly as a
 *     worker does; each client measures emit-to-receive time. Target p99 < 50 ms.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFlow, createJobEmitter, createJobQueues, emitProgress } from '@clapboard/server/jobs';
import { createRedis } from '@clapboard/server/redis';
import { redisNames } from '@clapboard/server/redis-keys';
import { announceWorker, createTestDatabase, testPrefix, testServices } from '@clapboard/server/testing';
import { signTicket } from '@clapboard/server/tickets';
import type { ClientToServerEvents, ServerToClientEvents } from '@clapboard/shared/events';
import { QUEUE_NAMES } from '@clapboard/shared/jobs';
import { Queue } from 'bullmq';
import { io, type Socket } from 'socket.io-client';
import { API_AREAS, type CpuProfile, NODE_CORE, timeByArea } from '../../infra/bench/cpu-profile';
import { cpuMeter } from '../../infra/bench/process-cpu';
import { writeBenchSection } from '../../infra/bench/report';
import { signUp } from '../support/e2e-api';
import { startServices } from '../support/service-processes';

/** Seconds per measured round; ROUNDS rounds of each path, alternating, after one warm-up each. */
const ROUND_MS = 5_000;
const ROUNDS = 3;
/** The API process runs under --cpu-prof; its profile is summarised into the report. */
const PROFILE_DIR = mkdtempSync(join(tmpdir(), 'clapboard-bench-jobs-prof-'));
const CONCURRENCY = 16;
const WATCHERS = 1_000;
const EVENTS = 60;

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const fmt = (n: number, d = 1) => n.toFixed(d);

/** Runs `op` from `concurrency` loops for `ms`; returns ops/s and latency percentiles. */
async function saturate(op: () => Promise<number>, ms: number, concurrency: number) {
  const latencies: number[] = [];
  let items = 0;
  const end = performance.now() + ms;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        // Not `items += await op()`: that reads `items` before the await and loses the other
        // callers' counts (it undercounted every row of this table until 2026-12).
        const done = await op();
        items += done;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSec: items / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99), items };
}

const { databaseUrl, redisUrl } = testServices(process.env);
const db = await createTestDatabase(databaseUrl);
const dir = mkdtempSync(join(tmpdir(), 'clapboard-bench-jobs-'));
chmodSync(dir, 0o755);
const redis = createRedis(redisUrl);

try {
  // ---------- (a) enqueue throughput ----------
  const apiSvc = await startServices({
    databaseUrl: db.url,
    redisUrl,
    dataDir: dir,
    only: ['api'],
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`],
    // One member submits every job here: the per-member limit is still checked on each submit
    // (its Redis round trip is measured), set far above what the bench sends.
    env: { JOB_SUBMIT_RATE_PER_MEMBER: '1000000' },
  });
  // The API accepts only job types a live worker announces; no worker runs here (the jobs stay
  // queued), so the bench publishes the report a worker that runs assets.derive would.
  await announceWorker(redis, apiSvc.env.REDIS_PREFIX!, ['assets.derive'], 'bench-worker');
  const { accessToken, user } = await signUp(apiSvc.apiUrl, {
    email: 'bench@jobs.test',
    password: 'a long password',
    name: 'Bench',
  });
  const auth = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
  const project = (await (
    await fetch(`${apiSvc.apiUrl}/api/v1/projects`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'Bench' }),
    })
  ).json()) as { id: string };
  const [asset] = await db.sql<{ id: string }[]>`
    insert into assets (project_id, kind, mime, byte_size, sha256, storage_key) values (${project.id}, 'image', 'image/png', 1, 'x', 'bench/a') returning id`;
  const body = JSON.stringify({ type: 'assets.derive', params: { assetId: asset!.id } });
  /** Server-Timing spans of every submit, summed by name (ms), and the whole call from here. */
  const spans = new Map<string, number>();
  let callMs = 0;
  let apiCalls = 0;
  /** Every API call, warm-up included: the CPU profile covers them all. */
  let profiledCalls = 0;
  // The load generator should cost as little as it can, so the API's share of the 2 cores is the
  // API's: node:http over keep-alive sockets (one per caller) instead of fetch, whose WHATWG
  // layers cost more CPU per request here than the API's own routing does.
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const jobsUrl = new URL(`${apiSvc.apiUrl}/api/v1/projects/${project.id}/jobs`);
  const submitOnce = () =>
    new Promise<{ status: number; timing: string }>((resolve, reject) => {
      const req = httpRequest(
        jobsUrl,
        { method: 'POST', agent, headers: { ...auth, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, timing: String(res.headers['server-timing'] ?? '') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const viaApiRound = () =>
    saturate(
      async () => {
        const t = performance.now();
        const res = await submitOnce();
        if (res.status !== 202) throw new Error(`API answered ${res.status}`);
        callMs += performance.now() - t;
        apiCalls++;
        profiledCalls++;
        for (const part of res.timing.split(',')) {
          const m = /^\s*([\w-]+);dur=([\d.]+)/.exec(part);
          if (m) spans.set(m[1]!, (spans.get(m[1]!) ?? 0) + Number(m[2]));
        }
        return 1;
      },
      ROUND_MS,
      CONCURRENCY,
    );
  const flowQueues = createJobQueues(redis, testPrefix('bench-flow'));
  let n = 0;
  const rawFlowRound = () =>
    saturate(
      async () => {
        const id = `00000000-0000-4000-8000-${(n++).toString(16).padStart(12, '0')}`;
        await flowQueues.flows.add(
          buildFlow({
            jobId: id,
            projectId: project.id,
            type: 'assets.derive',
            run: 1,
            params: { assetId: asset!.id },
            priority: 5,
          }),
        );
        return 1;
      },
      ROUND_MS,
      CONCURRENCY,
    );
  // Warm-up of both paths, then ROUNDS rounds alternating API and raw flow submission, so a
  // neighbour's burst or a checkpoint lands on both; the ratio is the median of the rounds'.
  await viaApiRound();
  await rawFlowRound();
  spans.clear();
  callMs = 0;
  apiCalls = 0;
  type Round = Awaited<ReturnType<typeof saturate>> & { cpu: Record<string, number> };
  // CPU seconds of every process involved, per round: where the 2 cores' time goes per item.
  const metered = async (round: () => ReturnType<typeof saturate>): Promise<Round> => {
    const stop = cpuMeter({
      api: [apiSvc.pid('api')!],
      postgres: 'postgres',
      redis: 'redis-server',
      'bench (callers)': 'self',
    });
    const result = await round();
    return { ...result, cpu: stop() };
  };
  const rounds: Array<{ api: Round; raw: Round }> = [];
  for (let r = 0; r < ROUNDS; r++)
    rounds.push({ api: await metered(viaApiRound), raw: await metered(rawFlowRound) });
  agent.destroy();
  await apiSvc.stop();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ratios = rounds.map((r) => r.api.perSec / r.raw.perSec);
  const ratio = median(ratios);
  const viaApi = {
    perSec: median(rounds.map((r) => r.api.perSec)),
    p50: median(rounds.map((r) => r.api.p50)),
    p99: median(rounds.map((r) => r.api.p99)),
    items: apiCalls,
  };
  const rawFlows = {
    perSec: median(rounds.map((r) => r.raw.perSec)),
    p50: median(rounds.map((r) => r.raw.p50)),
    p99: median(rounds.map((r) => r.raw.p99)),
  };
  const profileFile = readdirSync(PROFILE_DIR).find((f) => f.endsWith('.cpuprofile'));
  const cpu = profileFile
    ? timeByArea(
        JSON.parse(readFileSync(join(PROFILE_DIR, profileFile), 'utf8')) as CpuProfile,
        API_AREAS,
        NODE_CORE,
        // Start-up (module loading, the TypeScript loader) and the one registration's password hash.
        (url) =>
          url.includes('node:internal/modules') ||
          url.includes('/node_modules/tsx/') ||
          url.includes('argon2'),
      )
    : null;
  // BENCH_KEEP_PROFILE=1 keeps the API's .cpuprofile (open it in Chrome DevTools) and prints where.
  if (process.env.BENCH_KEEP_PROFILE) console.log(`API CPU profile kept in ${PROFILE_DIR}`);
  else rmSync(PROFILE_DIR, { recursive: true, force: true });

  const rawPrefix = testPrefix('bench-raw');
  const rawQueue = new Queue(QUEUE_NAMES.cpu, { connection: redis.duplicate(), prefix: rawPrefix });
  const raw = await saturate(
    async () => {
      await rawQueue.addBulk(Array.from({ length: 100 }, (_, i) => ({ name: 'probe', data: { i } })));
      return 100;
    },
    ROUND_MS,
    CONCURRENCY,
  );
  await rawQueue.obliterate({ force: true });
  await rawQueue.close();
  await Promise.all([flowQueues.queues.cpu.obliterate({ force: true })]);
  await flowQueues.close();
  // The API's own jobs were never run (no worker): remove their queue entries too.
  const apiQueues = createJobQueues(redis, redisNames(apiSvc.env.REDIS_PREFIX!).queuePrefix);
  await Promise.all([
    apiQueues.queues.cpu.obliterate({ force: true }),
    apiQueues.queues.gpu.obliterate({ force: true }),
  ]);
  await apiQueues.close();

  // ---------- (b) progress → 1,000 watchers ----------
  const rt = await startServices({ databaseUrl: db.url, redisUrl, dataDir: dir, only: ['realtime'] });
  const jwtSecret = rt.env.JWT_SECRET!;
  const names = redisNames(rt.env.REDIS_PREFIX!);
  const [job] = await db.sql<{ id: string }[]>`
    insert into jobs (project_id, type, params, status, started_at) values (${project.id}, 'assets.derive', ${db.sql.json({ assetId: asset!.id })}, 'running', now()) returning id`;
  const { ticket } = await signTicket(
    jwtSecret,
    { userId: user.id, name: 'Bench', projectId: project.id, role: 'owner' },
    600,
  );
  const latencies: number[] = [];
  const clients: Array<Socket<ServerToClientEvents, ClientToServerEvents>> = [];
  for (let i = 0; i < WATCHERS; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, WATCHERS - i) }, async () => {
        const c: Socket<ServerToClientEvents, ClientToServerEvents> = io(rt.realtimeUrl, {
          auth: { ticket },
          transports: ['websocket'],
          reconnection: false,
        });
        clients.push(c);
        await new Promise<void>((resolve, reject) => {
          c.once('connect', () => resolve());
          c.once('connect_error', reject);
        });
        const ack = await c.emitWithAck('job:watch', { type: 'job:watch', jobId: job!.id });
        if (!ack.ok) throw new Error('watch refused');
        c.on('job:progress', (e) => latencies.push(Date.now() - Number(e.message)));
      }),
    );
  }
  const emitter = createJobEmitter(redis, names.socketKey);
  for (let i = 0; i < EVENTS; i++) {
    emitProgress(emitter, project.id, {
      jobId: job!.id,
      stage: 'bench',
      progress: (i / EVENTS) * 100,
      etaSec: null,
      message: String(Date.now()),
    });
    await new Promise((r) => setTimeout(r, 50)); // 20 updates/s, the reporter's throttle rate ×2
  }
  const expected = WATCHERS * EVENTS;
  const deadline = Date.now() + 10_000;
  while (latencies.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const c of clients) c.close();
  await rt.stop();
  latencies.sort((a, b) => a - b);

  const perItemMs = (side: 'api' | 'raw', k: string) =>
    (rounds.reduce((sum, r) => sum + (r[side].cpu[k] ?? 0), 0) * 1000) /
    Math.max(
      1,
      rounds.reduce((sum, r) => sum + r[side].items, 0),
    );
  const cpuRows: Array<[string, number, number]> = Object.keys(rounds[0]!.api.cpu).map((k) => [
    k,
    perItemMs('api', k),
    perItemMs('raw', k),
  ]);
  const date = new Date().toISOString().slice(0, 10);
  const md = `## Jobs: enqueue throughput and progress fan-out

Command: \`npm run bench:jobs\` · ${date} · ${cpus().length} cores · Postgres and Redis on the same machine · real api and realtime processes.

### (a) Enqueue throughput (${ROUNDS} rounds of ${ROUND_MS / 1000} s per path, alternating, after a warm-up round each; ${CONCURRENCY} concurrent callers)

| path | items/s | call p50 ms | call p99 ms |
| --- | ---: | ---: | ---: |
| API \`POST /projects/:id/jobs\` over HTTP (auth, zod, capability and budget checks, row + audit + budget sums in one statement, 4-node flow) | ${fmt(viaApi.perSec)} jobs | ${fmt(viaApi.p50)} | ${fmt(viaApi.p99)} |
| raw BullMQ \`FlowProducer.add\` of the same 4-node flow | ${fmt(rawFlows.perSec)} flows | ${fmt(rawFlows.p50)} | ${fmt(rawFlows.p99)} |
| raw BullMQ \`Queue.addBulk\` (100 plain jobs per call) | ${fmt(raw.perSec)} jobs | ${fmt(raw.p50)} | ${fmt(raw.p99)} |

The API reaches **${fmt(ratio * 100)} %** of raw flow submission (median of the rounds' ratios: ${ratios.map((r) => `${fmt(r * 100)} %`).join(', ')}; target ≥ 25 %: **${ratio >= 0.25 ? 'met' : 'missed'}**) and ${fmt((viaApi.perSec / raw.perSec) * 100, 2)} % of raw \`addBulk\` job throughput.

How a submit runs: the common case (no idempotency key, no version to pin, a type the cached worker reports say runs) joins the submissions that arrived in the same turn of the API's event loop; one statement checks each caller's role and assets, inserts the rows that pass with their audit entries (a trigger writes each run's \`job_outbox\` row in the same statement) and reads the budget sums, then one \`FlowProducer.addBulk\` queues their flows (all or none; on failure the rows are deleted and every caller gets 503) and one statement clears their outbox rows (a crashed API's rows are queued by the outbox dispatcher). A project with a budget limit is not written by that statement: its submissions are serialised on the project row, so two jobs cannot both squeeze under it. All processes share the 2 cores (Postgres, Redis, the API and this benchmark's callers), so absolute numbers are lower bounds.

Each round (items/s of the API and of raw flow add, and their ratio):

| round | API jobs/s | raw flows/s | ratio |
| ---: | ---: | ---: | ---: |
${rounds.map((r, i) => `| ${i + 1} | ${fmt(r.api.perSec)} | ${fmt(r.raw.perSec)} | ${fmt((r.api.perSec / r.raw.perSec) * 100)} % |`).join('\n')}

Where the machine's CPU goes per item, by process (CPU ms per job or flow, summed over the measured rounds; Postgres counts every backend, Redis the server):

| process | API submit | raw flow add |
| --- | ---: | ---: |
${cpuRows.map(([k, api, rawMs]) => `| ${k} | ${fmt(api, 3)} | ${fmt(rawMs, 3)} |`).join('\n')}
| all | ${fmt(
    cpuRows.reduce((s, r) => s + r[1], 0),
    3,
  )} | ${fmt(
    cpuRows.reduce((s, r) => s + r[2], 0),
    3,
  )} |

Where a submit spends its wall time (the API's \`Server-Timing\` spans, mean per call over ${viaApi.items} calls; the rest of the call is auth, routing, validation, HTTP and queueing for the event loop under ${CONCURRENCY} concurrent callers):

| span | mean ms | share of the call |
| --- | ---: | ---: |
${[...spans]
  .map(([name, ms]) => `| ${name} | ${fmt(ms / viaApi.items, 2)} | ${fmt((ms / callMs) * 100)} % |`)
  .join('\n')}
| whole call, as the client saw it | ${fmt(callMs / viaApi.items, 2)} | 100 % |

${
  cpu
    ? `Where the API process's CPU went (\`node --cpu-prof\` over the run, start-up excluded; ${fmt(cpu.busyMs / profiledCalls, 2)} ms busy per submit, ${fmt(cpu.idleMs / 1000, 1)} s idle):

| area | share of busy CPU |
| --- | ---: |
${cpu.areas
  .slice(0, 10)
  .map((a) => `| ${a.name} | ${fmt(a.percent)} % |`)
  .join('\n')}
`
    : ''
}
### (b) Worker progress → browser client latency (${WATCHERS} watchers, ${EVENTS} events at 20/s)

| received | p50 ms | p99 ms | max ms | target |
| ---: | ---: | ---: | ---: | --- |
| ${latencies.length} / ${expected} | ${pct(latencies, 50)} | ${pct(latencies, 99)} | ${latencies.at(-1)} | p99 < 50 ms: **${pct(latencies, 99) < 50 ? 'met' : 'missed'}** |

Emitted through \`@socket.io/redis-emitter\` as the worker does, fanned out by the realtime process's Redis adapter to the \`job:<id>\` room; the 1,000 clients run in the benchmark process itself, so client-side event-loop time is included.
`;
  process.stdout.write(`${md}\n`);
  writeBenchSection('jobs', md);
} finally {
  redis.disconnect();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
}
