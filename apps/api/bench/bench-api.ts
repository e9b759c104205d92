/**
 * `npm run bench:api`: authenticated `GET /api/v1/projects` over real HTTP (@hono/node-server on
 * port 0, real Postgres and Redis, access log on at info level into /dev/null) beside a bare Hono
 * hello-world server in the same process and run, both driven by autocannon (in a child process,
 * so the load generator does not share the servers' thread) with the same connections and
 * duration. Then one more, profiled run of the project list: V8's sampling profiler on the server
 * thread and postgres.js's statement hook say where one authenticated request spends its time.
 * Writes its section of docs/benchmarks.md.
 *
 * Needs DATABASE_URL and REDIS_URL (as the tests do); creates and drops its own database.
 * BENCH_DURATION_SEC shortens the runs while iterating; BENCH_CPU_PROFILE=<file.cpuprofile> also
 * keeps the raw profile (open it in Chrome DevTools or speedscope).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJobQueues } from '@clapboard/server/jobs';
import { freePort, isPortOpen, startLocalS3, which } from '@clapboard/server/local-services';
import { bufferedDestination, createLogger } from '@clapboard/server/logger';
import { createRedis } from '@clapboard/server/redis';
import { createLocalBlobStore, s3BlobStoreEnv } from '@clapboard/server/storage';
import { createTestDatabase, testPrefix, testServices } from '@clapboard/server/testing';
import { serve } from '@hono/node-server';
import { build } from 'esbuild';
import { Hono } from 'hono';
import {
  API_AREAS as AREAS,
  has,
  NODE_CORE,
  profileWhile,
  timeByArea,
} from '../../../infra/bench/cpu-profile.ts';
import { writeBenchSection } from '../../../infra/bench/report.ts';
import { createApp } from '../src/app';
import { buildEdge, EDGE_BUNDLE } from '../src/edge/build-edge';
import { type RunningWorkerd, startWorkerd } from '../src/edge/workerd';
import { createNodeMediaProbe } from '../src/media/node-media-probe';
import { createProjectListCache } from '../src/projects/project-list-cache';
import { type LoadResult, runLoad } from './load';
import { profileWorkerd, selfTimeByModule } from './workerd-profile';

const DURATION_SEC = Number(process.env.BENCH_DURATION_SEC ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 10;
const PROJECTS = 20;
const PROFILE_SEC = Math.min(DURATION_SEC, 5);

function listenOn(
  fetch: (req: Request) => Response | Promise<Response>,
): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ server: server as Server, url: `http://127.0.0.1:${info.port}` }),
    ) as Server;
  });
}

/** A markdown table padded the way the repo's formatter (biome) prints it; numbers right-aligned. */
function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const width = head.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join(' | ')} |`;
  const rule = `| ${width.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(head), rule, ...cells.slice(1).map(line)].join('\n');
}

/** A load run plus this process's CPU time (user + system, all threads) per request served. */
type Measured = LoadResult & { cpuUs: number };

async function load(url: string, headers: Record<string, string> = {}, durationSec = DURATION_SEC) {
  const before = process.cpuUsage();
  const result = await runLoad(url, { connections: CONNECTIONS, durationSec, headers });
  const cpu = process.cpuUsage(before);
  return { ...result, cpuUs: (cpu.user + cpu.system) / result.total } satisfies Measured;
}

/** CPU time (user + system, µs) a process has used so far, from /proc (Linux). */
function processCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return (ticks / 100) * 1e6; // USER_HZ is 100 on Linux
}

/**
 * PgBouncer (transaction pooling, trust auth) in front of the benchmark database, when the
 * `pgbouncer` binary is installed (Debian: apt-get install pgbouncer); otherwise undefined and the
 * pooled row is left out. As root it runs as the postgres user, which it insists on.
 */
async function startPgBouncer(
  databaseUrl: string,
  dir: string,
): Promise<{ url: string; close(): Promise<void> } | undefined> {
  const binary = which('pgbouncer', process.env.PATH ?? '');
  if (!binary) return undefined;
  const target = new URL(databaseUrl);
  const port = await freePort();
  mkdirSync(dir, { recursive: true, mode: 0o777 });
  chmodSync(dir, 0o777);
  writeFileSync(join(dir, 'users.txt'), `"${decodeURIComponent(target.username)}" ""\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    `[databases]
* = host=${target.hostname} port=${target.port || 5432}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
auth_type = trust
auth_file = ${join(dir, 'users.txt')}
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 10
unix_socket_dir =
ignore_startup_parameters = extra_float_digits,application_name
`,
  );
  const asRoot = process.getuid?.() === 0;
  const child = spawn(binary, [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 50; i++) {
    if (await isPortOpen(port)) {
      const url = new URL(databaseUrl);
      url.port = String(port);
      return {
        url: url.href,
        close: async () => {
          child.kill('SIGTERM');
          await new Promise((r) => child.once('exit', r));
        },
      };
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  return undefined;
}

/** A load run against a workerd process, with that process's CPU time per request. */
async function loadWorkerd(
  w: RunningWorkerd,
  path: string,
  headers: Record<string, string> = {},
  durationSec = DURATION_SEC,
) {
  const before = processCpuUs(w.process.pid!);
  const result = await runLoad(`${w.url}${path}`, { connections: CONNECTIONS, durationSec, headers });
  return { ...result, cpuUs: (processCpuUs(w.process.pid!) - before) / result.total } satisfies Measured;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `measure` while renaming the given projects in turn, one PATCH every 50 ms. */
async function whileRenaming<T>(
  url: string,
  headers: Record<string, string>,
  projectIds: string[],
  measure: () => Promise<T>,
): Promise<T> {
  let stop = false;
  let n = 0;
  const writer = (async () => {
    while (!stop) {
      const id = projectIds[n % projectIds.length]!;
      const res = await fetch(`${url}/api/v1/projects/${id}`, {
        method: 'PATCH',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Project ${n++}` }),
      });
      if (!res.ok) throw new Error(`rename failed: ${res.status}`);
      await sleep(50);
    }
  })();
  try {
    return await measure();
  } finally {
    stop = true;
    await writer;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Median req/s, latency percentiles and CPU per request over the rounds; requests summed. */
function summarise(rounds: Measured[]): Measured {
  return {
    rps: median(rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    cpuUs: median(rounds.map((r) => r.cpuUs)),
    total: rounds.reduce((n, r) => n + r.total, 0),
  };
}

const { databaseUrl, redisUrl } = testServices(process.env);
const db = await createTestDatabase(databaseUrl);
const redis = createRedis(redisUrl);
const dataDir = mkdtempSync(join(tmpdir(), 'clapboard-bench-'));
const queues = createJobQueues(redis, testPrefix('bench-q'));
// As main.ts runs it by default (PROJECT_LIST_CACHE_MB=8), and with the cache off (=0) beside it.
const projectListCache = createProjectListCache({ databaseUrl: db.url });
const appDeps = {
  sql: db.sql,
  redis,
  log: createLogger('api-bench', { level: 'info', destination: bufferedDestination('/dev/null') }),
  jwtSecret: 'bench-secret-0123456789-0123456789-abcdef',
  dataDir,
  publicUrl: 'http://localhost:8787',
  blobStore: createLocalBlobStore(join(dataDir, 'blobs')),
  probe: createNodeMediaProbe(),
  redisPrefix: testPrefix('bench'),
  queues,
};
const api = await listenOn(createApp({ ...appDeps, projectListCache }).fetch);
const uncached = await listenOn(createApp(appDeps).fetch);
const bare = await listenOn(new Hono().get('/', (c) => c.text('Hello Hono!')).fetch);

// The same two on workerd: the edge bundle (per-request Postgres and Redis connections, see
// src/edge/worker.ts) against the same database and Redis prefix, and bare Hono built for workerd.
const jwtSecret = appDeps.jwtSecret;
const s3 = await startLocalS3(join(dataDir, 's3'));
await buildEdge();
const bareWorker = join(dataDir, 'bare-hono.js');
await build({
  stdin: {
    contents:
      "import { Hono } from 'hono'; export default new Hono().get('/', (c) => c.text('Hello Hono!'));",
    resolveDir: dirname(fileURLToPath(import.meta.url)),
    loader: 'js',
  },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  outfile: bareWorker,
  logLevel: 'warning',
});
const edgeBindings = {
  DATABASE_URL: db.url,
  REDIS_URL: redisUrl,
  REDIS_PREFIX: appDeps.redisPrefix.replaceAll(':', '-'),
  JWT_SECRET: jwtSecret,
  LOG_LEVEL: 'warn',
  ...s3BlobStoreEnv(s3.options),
};
const EDGE_INSPECTOR_PORT = await freePort();
const edgeApi = await startWorkerd({ bindings: edgeBindings, inspectorPort: EDGE_INSPECTOR_PORT });
// As deployed: a transaction pooler between the edge and Postgres (PgBouncer here, when installed).
const bouncer = await startPgBouncer(db.url, join(dataDir, 'pgbouncer'));
const edgePooled = bouncer
  ? await startWorkerd({ bindings: { ...edgeBindings, DATABASE_URL: bouncer.url } })
  : undefined;
const edgeBare = await startWorkerd({ bindings: {}, bundle: bareWorker }, 30_000, '/');

try {
  const account = { email: 'bench@example.test', password: 'benchmark password', name: 'Bench' };
  const post = (path: string, body: unknown) =>
    fetch(`${api.url}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  // Registration answers 202 for any email; the session comes from signing in.
  await post('/auth/register', account);
  const login = await post('/auth/login', { email: account.email, password: account.password });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const authHeaders = { authorization: `Bearer ${accessToken}` };
  for (let i = 0; i < PROJECTS; i++) {
    await fetch(`${api.url}/api/v1/projects`, {
      method: 'POST',
      headers: { ...authHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Project ${i}` }),
    });
  }
  const check = await fetch(`${api.url}/api/v1/projects`, { headers: authHeaders });
  const page = (await check.json()) as { items: unknown[] };
  if (check.status !== 200 || page.items.length !== PROJECTS) throw new Error('setup failed');

  const projectIds = (page.items as { id: string }[]).map((p) => p.id);
  for (let i = 0; i < 100 && !projectListCache.stats().live; i++) await sleep(50);
  if (!projectListCache.stats().live) throw new Error('the project-list cache never started listening');

  // Warm every server (JIT, connection pools) before measuring.
  await loadWorkerd(edgeBare, '/', {}, 2);
  await loadWorkerd(edgeApi, '/api/v1/projects', authHeaders, 2);
  if (edgePooled) await loadWorkerd(edgePooled, '/api/v1/projects', authHeaders, 2);
  await load(`${bare.url}/`, {}, 2);
  await load(`${api.url}/api/v1/projects`, authHeaders, 2);
  await load(`${uncached.url}/api/v1/projects`, authHeaders, 2);
  // Alternate the targets, round by round: on a shared 2-core box a neighbour's burst then lands
  // on every side of a round's ratios instead of on one target only.
  const bareRounds: Measured[] = [];
  const apiRounds: Measured[] = [];
  const uncachedRounds: Measured[] = [];
  const writingRounds: Measured[] = [];
  const edgeBareRounds: Measured[] = [];
  const edgeRounds: Measured[] = [];
  const pooledRounds: Measured[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (edgePooled) pooledRounds.push(await loadWorkerd(edgePooled, '/api/v1/projects', authHeaders));
    edgeBareRounds.push(await loadWorkerd(edgeBare, '/'));
    edgeRounds.push(await loadWorkerd(edgeApi, '/api/v1/projects', authHeaders));
    bareRounds.push(await load(`${bare.url}/`));
    apiRounds.push(await load(`${api.url}/api/v1/projects`, authHeaders));
    uncachedRounds.push(await load(`${uncached.url}/api/v1/projects`, authHeaders));
    // The same list while a teammate renames one of its projects every 50 ms (through the API):
    // each rename's NOTIFY drops the page, so some reads go to Postgres again.
    writingRounds.push(
      await whileRenaming(api.url, authHeaders, projectIds, () =>
        load(`${api.url}/api/v1/projects`, authHeaders),
      ),
    );
  }
  const baseline = summarise(bareRounds);
  const projects = summarise(apiRounds);
  const projectsUncached = summarise(uncachedRounds);
  const projectsWriting = summarise(writingRounds);
  const ratioOf = (rounds: Measured[]) => rounds.map((a, r) => (a.rps / bareRounds[r]!.rps) * 100);
  const ratios = ratioOf(apiRounds);
  const ratio = median(ratios);
  const uncachedRatio = median(ratioOf(uncachedRounds));
  const writingRatio = median(ratioOf(writingRounds));
  const edgeBareline = summarise(edgeBareRounds);
  const edgeProjects = summarise(edgeRounds);
  const edgeRatios = edgeRounds.map((a, r) => (a.rps / edgeBareRounds[r]!.rps) * 100);
  const edgeRatio = median(edgeRatios);
  const edgeVsNode = median(edgeRounds.map((a, r) => (a.rps / uncachedRounds[r]!.rps) * 100));
  const pooledVsNode = edgePooled
    ? median(pooledRounds.map((a, r) => (a.rps / uncachedRounds[r]!.rps) * 100))
    : undefined;

  // Profiled runs (not the measured ones: sampling costs throughput), as deployed and with the
  // cache off. postgres.js calls `debug` once per statement it sends, which counts database round
  // trips per request.
  const profiledRun = async (url: string, file?: string) => {
    let statements = 0;
    db.sql.options.debug = () => {
      statements++;
    };
    const { result, profile } = await profileWhile(() =>
      load(`${url}/api/v1/projects`, authHeaders, PROFILE_SEC),
    );
    db.sql.options.debug = false;
    if (file) writeFileSync(file, JSON.stringify(profile));
    const spent = timeByArea(profile, AREAS, NODE_CORE, has('/apps/api/bench/'));
    const perRequestUs = (ms: number) => ((ms * 1000) / result.total).toFixed(0);
    const wallMs = (profile.endTime - profile.startTime) / 1000;
    const text = `${result.rps.toFixed(0)} req/s while sampled; the server thread was busy ${((spent.busyMs / wallMs) * 100).toFixed(0)} % of the run, ${perRequestUs(spent.busyMs)} µs per request; Postgres round trips per request: **${(statements / result.total).toFixed(2)}** (statements postgres.js sent ÷ requests).

${table(
  ['area', 'self time %', 'µs / request'],
  spent.areas.map((a) => [a.name, a.percent.toFixed(1), perRequestUs(a.ms)]),
)}`;
    return text;
  };
  // The edge entry under workerd's own sampling profiler (its inspector), charged by bundle module.
  const edgeSampled = await profileWorkerd(EDGE_INSPECTOR_PORT, () =>
    loadWorkerd(edgeApi, '/api/v1/projects', authHeaders, PROFILE_SEC),
  );
  const edgeSpent = selfTimeByModule(edgeSampled.profile, EDGE_BUNDLE);
  const edgeBusyMs = edgeSpent.reduce((sum, m) => sum + m.ms, 0);
  const edgeProfile = `${edgeSampled.result.rps.toFixed(0)} req/s while sampled, ${((edgeBusyMs * 1000) / edgeSampled.result.total).toFixed(0)} µs of the isolate's time per request.

${table(
  ['module (self time)', '%', 'µs / request'],
  edgeSpent
    .slice(0, 12)
    .map((m) => [
      m.name,
      ((m.ms / edgeBusyMs) * 100).toFixed(1),
      ((m.ms * 1000) / edgeSampled.result.total).toFixed(0),
    ]),
)}`;
  const cachedProfile = await profiledRun(api.url, process.env.BENCH_CPU_PROFILE);
  const uncachedProfile = await profiledRun(uncached.url);

  const date = new Date().toISOString().slice(0, 10);
  const md = `## API: authenticated project list vs bare Hono

Command: \`npm run bench:api\` (apps/api/bench/bench-api.ts), run ${date} on ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}.
autocannon in a child process (so the load generator does not share the servers' thread), ${CONNECTIONS} connections; after a 2 s warm-up each, ${ROUNDS} rounds of ${DURATION_SEC} s per target, the targets alternating; medians over the rounds. Both servers in the bench process on @hono/node-server (port 0), loopback HTTP/1.1 keep-alive.
\`GET /api/v1/projects\`: bearer JWT verified (HS256 via jose: alg allowlist, iss, aud, exp), keyset query over ${PROJECTS} projects in real Postgres 15, JSON response (~${Math.round(JSON.stringify(page).length / 1024)} KiB), access log at info level (to /dev/null).

${table(
  ['target', 'req/s (median)', 'p50 ms', 'p99 ms', 'server CPU µs / request', 'requests'],
  [
    [
      'bare Hono `GET /` (hello world)',
      baseline.rps.toFixed(0),
      baseline.p50,
      baseline.p99,
      baseline.cpuUs.toFixed(0),
      baseline.total,
    ],
    ...(
      [
        ['`GET /api/v1/projects` (authenticated, as deployed)', projects],
        ['… with a project renamed every 50 ms', projectsWriting],
        ['… page cache off (`PROJECT_LIST_CACHE_MB=0`)', projectsUncached],
      ] as const
    ).map(([name, m]) => [name, m.rps.toFixed(0), m.p50, m.p99, m.cpuUs.toFixed(0), m.total]),
    ...(
      [
        ['bare Hono `GET /` on workerd', edgeBareline],
        ['`GET /api/v1/projects` on workerd (the edge entry)', edgeProjects],
        ...(edgePooled
          ? ([['… through PgBouncer (transaction pooling)', summarise(pooledRounds)]] as const)
          : []),
      ] as const
    ).map(([name, m]) => [name, m.rps.toFixed(0), m.p50, m.p99, m.cpuUs.toFixed(0), m.total]),
  ],
)}

**On workerd** (\`npm run build:edge\`'s bundle in \`workerd serve\`, one process; CPU per request is the workerd process's, from /proc): the project list runs at **${edgeRatio.toFixed(1)} %** of bare Hono on workerd (rounds: ${edgeRatios.map((x) => `${x.toFixed(1)} %`).join(', ')}) and at **${edgeVsNode.toFixed(0)} %** of the Node entry with its page cache off, the like-for-like comparison (the edge keeps no cache: a request cannot use another request's connections or wake on NOTIFY). Each request on the edge opens its own Postgres connection (workerd ties a socket to the request that opened it; the session check and rate limits read Postgres, so a read opens no Redis connection), which is where most of the difference goes: Postgres starts a backend process for every connection, and the client side of a connection (postgres.js over \`cloudflare:sockets\`, workerd's stream and socket layers) dominates the isolate's profile below. ${pooledVsNode === undefined ? 'PgBouncer is not installed here, so the pooled row is missing (apt-get install pgbouncer).' : `Through PgBouncer (a connection to the pooler is cheap; Postgres backends are reused), the edge entry reaches **${pooledVsNode.toFixed(0)} %** of the Node entry without its cache.`} In production, point \`DATABASE_URL\` at a pooler next to the database (PgBouncer, Hyperdrive).

The project list runs at **${ratio.toFixed(1)} %** of the bare server's throughput (median of the rounds' ratios: ${ratios.map((x) => `${x.toFixed(1)} %`).join(', ')}; ×${(100 / ratio).toFixed(1)} slower); ${writingRatio.toFixed(1)} % while a project of the page is renamed every 50 ms, and ${uncachedRatio.toFixed(1)} % with the page cache off (every request reads Postgres). As deployed, an API instance keeps each finished page per user and query and drops it when Postgres announces a change to one of its projects or to the user's memberships (LISTEN/NOTIFY from triggers; apps/api/src/projects/project-list-cache.ts); the author of a write through the instance never reads their pages from before it. The load generator, Postgres and the server share the ${cpus().length} cores (and, on a shared box, any neighbour's work), so absolute numbers are lower bounds; server CPU per request (the bench process's user + system time, all its threads, ÷ requests) moves less with neighbours than req/s does.

### Where an authenticated request spends its time

Two further ${PROFILE_SEC} s runs of the project list under V8's sampling profiler (node:inspector, the same data as \`node --cpu-prof\`): self time on the server's main thread, each sample charged to the innermost frame an area claims (so WebCrypto and socket work count for the library that asked for them; the socket write of a Postgres query counts for postgres.js).

As deployed (pages served from the cache): ${cachedProfile}

With the page cache off (every request reads Postgres): ${uncachedProfile}

On workerd (the edge entry, direct to Postgres; workerd's inspector, 200 µs sampling, self time charged to the bundle module esbuild's \`// path\` comments name, workerd's own layers by their frame): ${edgeProfile}
`;
  // writeBenchSection expects docs/ to exist; on a fresh checkout it may not yet.
  mkdirSync(join(dirname(fileURLToPath(import.meta.url)), '../../../docs'), { recursive: true });
  writeBenchSection('api', md);
  process.stdout.write(`${md}\n`);
} finally {
  for (const { server } of [api, uncached, bare]) {
    server.close();
    server.closeAllConnections?.();
  }
  await edgeApi.close();
  await edgeBare.close();
  await edgePooled?.close();
  await bouncer?.close();
  await s3.close();
  await projectListCache.close();
  await queues.close();
  redis.disconnect();
  await db.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
