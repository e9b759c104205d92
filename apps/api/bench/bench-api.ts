/**
 * `npm run bench:api`: authenticated `GET /api/v1/projects` over real HTTP (@hono/node-server on
 * port 0, real Postgres and Redis, access log on at info level into /dev/null) beside a bare Hono
 * hello-world server in the same process and run, both driven by autocannon with the same
 * connections and duration. Writes its section of docs/benchmarks.md.
 *
 * Needs DATABASE_URL and REDIS_URL (as the tests do); creates and drops its own database.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJobQueues } from '@clapboard/server/jobs';
import { createLogger } from '@clapboard/server/logger';
import { createRedis } from '@clapboard/server/redis';
import { createLocalBlobStore } from '@clapboard/server/storage';
import { createTestDatabase, testPrefix, testServices } from '@clapboard/server/testing';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import pino from 'pino';
import { writeBenchSection } from '../../../infra/bench/report.ts';
import { createApp } from '../src/app';
import { createNodeMediaProbe } from '../src/media/node-media-probe';

const DURATION_SEC = Number(process.env.BENCH_DURATION_SEC ?? 10);
const CONNECTIONS = 10;
const PROJECTS = 20;

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

async function load(url: string, headers: Record<string, string> = {}) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_SEC, headers });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
  };
}

const { databaseUrl, redisUrl } = testServices(process.env);
const db = await createTestDatabase(databaseUrl);
const redis = createRedis(redisUrl);
const dataDir = mkdtempSync(join(tmpdir(), 'clapboard-bench-'));
const queues = createJobQueues(redis, testPrefix('bench-q'));
const app = createApp({
  sql: db.sql,
  redis,
  log: createLogger('api-bench', { level: 'info', destination: pino.destination('/dev/null') }),
  jwtSecret: 'bench-secret-0123456789-0123456789-abcdef',
  dataDir,
  publicUrl: 'http://localhost:8787',
  blobStore: createLocalBlobStore(join(dataDir, 'blobs')),
  probe: createNodeMediaProbe(),
  redisPrefix: testPrefix('bench'),
  queues,
});
const api = await listenOn(app.fetch);
const bare = await listenOn(new Hono().get('/', (c) => c.text('Hello Hono!')).fetch);

try {
  const reg = await fetch(`${api.url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.test', password: 'benchmark password', name: 'Bench' }),
  });
  const { accessToken } = (await reg.json()) as { accessToken: string };
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

  // Warm both servers (JIT, connection pools) before measuring.
  await autocannon({ url: `${bare.url}/`, connections: CONNECTIONS, duration: 2 });
  await autocannon({
    url: `${api.url}/api/v1/projects`,
    connections: CONNECTIONS,
    duration: 2,
    headers: authHeaders,
  });
  const baseline = await load(`${bare.url}/`);
  const projects = await load(`${api.url}/api/v1/projects`, authHeaders);

  const date = new Date().toISOString().slice(0, 10);
  const ratio = (projects.rps / baseline.rps) * 100;
  const md = `## API: authenticated project list vs bare Hono

Command: \`npm run bench:api\` (apps/api/bench/bench-api.ts), run ${date} on ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}.
autocannon, ${CONNECTIONS} connections, ${DURATION_SEC} s per target after a 2 s warm-up, both servers in one process on @hono/node-server (port 0), loopback HTTP/1.1 keep-alive.
\`GET /api/v1/projects\`: bearer JWT verified (HS256), keyset query over ${PROJECTS} projects in real Postgres 15, JSON response (~${Math.round(JSON.stringify(page).length / 1024)} KiB), access log at info level (to /dev/null).

${table(
  ['target', 'req/s (mean)', 'p50 ms', 'p99 ms', 'requests'],
  [
    ['bare Hono `GET /` (hello world)', baseline.rps.toFixed(0), baseline.p50, baseline.p99, baseline.total],
    [
      '`GET /api/v1/projects` (authenticated)',
      projects.rps.toFixed(0),
      projects.p50,
      projects.p99,
      projects.total,
    ],
  ],
)}

The project list runs at **${ratio.toFixed(1)} %** of the bare server's throughput (×${(baseline.rps / projects.rps).toFixed(1)} slower); the difference is JWT verification, one Postgres round trip and JSON serialisation. The load generator shares the ${cpus().length} cores, so absolute numbers are lower bounds.`;
  // writeBenchSection expects docs/ to exist; on a fresh checkout it may not yet.
  mkdirSync(join(dirname(fileURLToPath(import.meta.url)), '../../../docs'), { recursive: true });
  writeBenchSection('api', md);
  process.stdout.write(`${md}\n`);
} finally {
  api.server.close();
  bare.server.close();
  api.server.closeAllConnections?.();
  bare.server.closeAllConnections?.();
  await queues.close();
  redis.disconnect();
  await db.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
