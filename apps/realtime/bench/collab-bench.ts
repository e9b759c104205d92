/**
 * `npm run bench:collab`: a scale curve of Yjs collaboration. For each load (clients), N clients type
 * into N/10 documents (10 clients per document) against our realtime server on 1 and on 2 instances
 * (separate processes on their own ports, sharing Postgres and relaying through Redis; a document's
 * clients are spread round-robin over the instances, so every document spans both), and against
 * `@y/websocket-server` 0.1.1 and `@hocuspocus/server` 3.4.4 (single-instance: in-memory, no
 * cross-process relay), and `@y/websocket-server` storing every update in LevelDB (its own
 * YPERSISTENCE option, y-leveldb 0.1.2): the peer that, like ours, writes each edit as it comes.
 * All clients are the same lightweight client (collab-client.ts), spread by document over driver
 * processes (collab-driver.ts). Measures edit-to-remote-apply latency
 * (p50/p99), updates/s, server memory per document, for ours the time from send to the row being
 * visible in Postgres and the server's own accept → commit (in a second run of each row, so the
 * probe that watches Postgres does not load the run whose latencies are compared; see `Pass`), and
 * the drivers' event-loop lag (when it is high, the driver rather than the server is the bottleneck).
 * Writes docs/benchmarks.md (section `collab`).
 *
 * Knobs (argv `--key=value`): loads (500,1000,2000: clients per row), seconds (10, measured),
 * interval (ms between one client's keystrokes; 250 = 4 characters/s), instances (1,2: ours),
 * servers (clapboard,y-websocket-server,y-websocket-server-leveldb,hocuspocus: which servers to
 * run), sync-timeout (20000: ms for each batch of 50 clients to sync; a row that misses it is
 * recorded as failed and the curve goes on), repeat (3: runs of every row, interleaved; the table
 * shows each row's median run), drivers (2: client driver processes), cpu-prof (a folder: each
 * server process, ours and the peers', writes a V8 CPU profile there),
 * driver-prof (a folder: the same for each client driver).
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from '@clapboard/server/db';
import { appendUpdates, DOCUMENT_MERGE_DEFAULTS, loadDocumentState } from '@clapboard/server/documents';
import { freePort } from '@clapboard/server/local-services';
import { createTestDatabase, type TestDatabase, testServices, waitFor } from '@clapboard/server/testing';
import { signTicket } from '@clapboard/server/tickets';
import * as Y from 'yjs';
import { writeBenchSection } from '../../../infra/bench/report';
import { COMPACT_AFTER_UPDATES_DEFAULT } from '../src/env';
import { firstStruct } from './collab-client';
import { type DriverClient, type DriverCommand, type DriverReply, LAG_RESOLUTION_MS } from './collab-driver';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]),
);
const list = (value: string | undefined, fallback: string) =>
  (value ?? fallback)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const LOADS = list(args.loads, '500,1000,2000').map(Number);
const SECONDS = Number(args.seconds ?? 10);
const INTERVAL_MS = Number(args.interval ?? 250);
const INSTANCES = list(args.instances, '1,2').map(Number);
/**
 * How a row of ours with several instances places a document's clients: `spread` (the k-th client
 * of a document on instance k % instances, so every document spans every instance and every edit is
 * relayed) or `by-document` (all of a document's clients on instance doc % instances, as the
 * Kubernetes Ingress's hashing on the /yjs/<project> path places them; nothing is relayed).
 */
const PLACEMENTS = list(args.placements, 'spread,by-document') as Placement[];
/** A server the bench runs: its name in the table, its process, and the URL a document's client opens. */
interface ServerKind {
  name: string;
  /** The process (a path in apps/realtime) started with the port as its argument. */
  script: string;
  /** Whether it stores every update as it comes (ours in Postgres), rather than in memory only. */
  stores: boolean;
  url(port: number, docId: string, ticket: string): string;
}
const Y_WEBSOCKET = {
  script: 'bench/servers/y-websocket-server.ts',
  url: (port: number, docId: string) => `ws://127.0.0.1:${port}/${docId}`,
};
const SERVER_KINDS = {
  clapboard: {
    name: 'clapboard',
    script: 'src/main.ts',
    stores: true,
    url: (port, docId, ticket) => `ws://127.0.0.1:${port}/yjs/${docId}?ticket=${ticket}`,
  },
  'y-websocket-server': { name: 'y-websocket-server', stores: false, ...Y_WEBSOCKET },
  // The same server with its own persistence option (YPERSISTENCE=<folder>, set per row in `run`).
  'y-websocket-server-leveldb': { name: 'y-websocket-server + LevelDB', stores: true, ...Y_WEBSOCKET },
  // One endpoint for every document: the client names its document in the protocol (hocuspocusDoc).
  hocuspocus: {
    name: 'hocuspocus',
    script: 'bench/servers/hocuspocus-server.ts',
    stores: false,
    url: (port) => `ws://127.0.0.1:${port}`,
  },
} satisfies Record<string, ServerKind>;
type Kind = keyof typeof SERVER_KINDS;
const KINDS = Object.keys(SERVER_KINDS) as Kind[];
const SERVERS = list(args.servers, KINDS.join(',')) as Kind[];
for (const k of SERVERS) if (!KINDS.includes(k)) throw new Error(`bad server ${k} (${KINDS.join(', ')})`);
const CLIENTS_PER_DOC = 10;
/**
 * After the window, deliveries of its edits still count this long (ms); what is missing then counts
 * as slower than every delivered edit (an overloaded server's backlog, not a fast one).
 */
const DELIVERY_GRACE_MS = 2_000;
/** Client driver processes (collab-driver.ts); a document's clients all live in one. */
const DRIVERS = Number(args.drivers ?? 2);
const WARMUP_MS = 2_000;
const SYNC_TIMEOUT_MS = Number(args['sync-timeout'] ?? 20_000);
/** Runs of every row, interleaved (all rows once, then again…); the table shows each row's median run. */
const REPEAT = Number(args.repeat ?? 3);
const SECRET = 'bench-secret-0123456789-0123456789-abcdef';
const appDir = fileURLToPath(new URL('..', import.meta.url));

for (const n of [...LOADS, ...INSTANCES, SECONDS, INTERVAL_MS, SYNC_TIMEOUT_MS, REPEAT, DRIVERS])
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(
      `bad knob value ${n} (loads, instances, seconds, interval, sync-timeout, repeat, drivers)`,
    );

type Placement = 'spread' | 'by-document';
for (const p of PLACEMENTS)
  if (p !== 'spread' && p !== 'by-document') throw new Error(`bad placement ${p} (spread, by-document)`);

interface Row {
  load: number;
  kind: Kind;
  instances: number;
  /** With several instances: where a document's clients connect (see PLACEMENTS). */
  placement?: Placement;
}

interface Latency {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

interface Result extends Row {
  docs: number;
  /** Set when the row could not complete; the numbers below are then absent. */
  failed?: string;
  p50?: number;
  p99?: number;
  max?: number;
  sentPerSec?: number;
  deliveredPerSec?: number;
  /** Share of (edit, receiver) pairs of the window not delivered by its end plus the grace (%). */
  undeliveredPct?: number;
  memPerDocKb?: number;
  /** The drivers' worst event-loop delay over the measured window (ms). */
  benchLagP99?: number;
  /**
   * The server's own event-loop delay p99 over the window (ms; worst instance); null when a server
   * never ran its timers in the window or did not report (stuck in its backlog).
   */
  serverLagP99?: number | null;
  benchLagMax?: number;
  durableP50?: number;
  durableP99?: number;
  durableMax?: number;
  durableSeen?: string;
  /** Ours, latency run: what a check of every stored row after the run found (see `Pass`). */
  storedCheck?: string;
  /** Ours: edit p99 of the durability run, with the probe running beside the server (ms). */
  probedP99?: number;
  /** Ours: CPU cores the durability probe process used over the durability run's window. */
  probeCores?: number;
  /** Accept → committed as each instance reports it; `p99`/`max` are the worst instance's. */
  serverPersist?: Latency & { perInstanceP99: number[] };
  /** CPU cores busy during the measured window (CPU seconds per second): the row's servers, Postgres, Redis, this process. */
  cpuPerSec?: { servers: number; postgres: number; redis: number; bench: number };
  /** Edit p99 and send → durable p99 of every run of this row (with --repeat). */
  runs?: Array<{ p99?: number; durableP99?: number; failed?: string }>;
}

/**
 * Each run of a row of ours is two runs, each on a fresh database. The `latency` run has nothing
 * beside the server but what every peer has (its database, the drivers) and compacts documents as
 * deployed: its edit latencies fill the table, and every sent edit is looked up in the stored
 * documents (snapshots + rows) after it. The `durability` run adds the probe that sees each row
 * land (send → durable), with compaction off so rows stay to be seen; the probe and its Postgres queries take CPU from
 * the same 2 cores (measured: 0.06–0.08 cores for the probe process alone), which no peer pays,
 * so its edit latency is shown beside the durability figures, not as the row's. The peers run once.
 */
type Pass = 'latency' | 'durability';

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls `check` every 20 ms until it holds; throws naming `what` after `timeoutMs`. */
const until = (check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) =>
  waitFor(check, timeoutMs, what, 20);
const rssKb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const TICKS_PER_SEC = 100;
/** CPU seconds (user + system) a process has used, from /proc; 0 when it is gone. */
const cpuSec = (pid: number) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC;
  } catch {
    return 0;
  }
};
/** CPU seconds used so far by every process whose command name is `name` (all Postgres backends…). */
const cpuSecOf = (name: string) =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .reduce((sum, pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name ? sum + cpuSec(Number(pid)) : sum;
      } catch {
        return sum;
      }
    }, 0);
/** Where the CPU went during a measured window: the servers of the row, Postgres, Redis (seconds); the drivers report their own. */
const cpuNow = (pids: number[]) => ({
  servers: pids.reduce((sum, pid) => sum + cpuSec(pid), 0),
  postgres: cpuSecOf('postgres'),
  redis: cpuSecOf('redis-server'),
});

/** Where a server process writes its event-loop delay over the window (bench/servers/loop-lag.ts). */
const loopLagFile = (port: number) => join(tmpdir(), `bench-collab-loop-lag-${process.pid}-${port}.json`);

/** Starts one server process; it is pushed onto `children` before it is up, so the caller can always stop it. */
async function startProcess(
  kind: Kind,
  port: number,
  env: Record<string, string>,
  children: ChildProcess[],
): Promise<ChildProcess> {
  const { script } = SERVER_KINDS[kind];
  // `--cpu-prof=<dir>`: each server writes a V8 CPU profile there on exit (where its time went).
  const profile = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', '--import', './bench/servers/loop-lag.ts', script, String(port)],
    {
      cwd: appDir,
      env: { ...process.env, ...env, BENCH_LOOP_LAG_FILE: loopLagFile(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  children.push(child);
  await until(
    () =>
      fetch(`http://127.0.0.1:${port}/healthz`).then(
        () => true,
        () => child.exitCode !== null && Promise.reject(new Error(`${kind} exited (code ${child.exitCode})`)),
      ),
    20_000,
    `${kind} on port ${port} up`,
  );
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** What each instance of ours reports on /healthz, as far as this bench reads it. */
interface OurHealth {
  persistLatencyMs: Latency;
  compactions: number;
  compactionsFromMemory: number;
  compactionSnapshotRefreshes: number;
  compactionMerges: { inline: number; threaded: number; inlineFallback: number };
}
const ourHealth = (ports: number[]) =>
  Promise.all(
    ports.map(async (port) => (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as OurHealth),
  );

/** Compactions so far over the instances, and how their folds ran. */
function compactionsOf(health: OurHealth[]): {
  compactions: number;
  fromMemory: number;
  refreshes: number;
  inline: number;
  threaded: number;
  inlineFallback: number;
} {
  const sum = (pick: (h: OurHealth) => number) => health.reduce((n, h) => n + pick(h), 0);
  return {
    compactions: sum((h) => h.compactions),
    fromMemory: sum((h) => h.compactionsFromMemory),
    refreshes: sum((h) => h.compactionSnapshotRefreshes),
    inline: sum((h) => h.compactionMerges.inline),
    threaded: sum((h) => h.compactionMerges.threaded),
    inlineFallback: sum((h) => h.compactionMerges.inlineFallback),
  };
}

/**
 * Ours, latency run: puts each document at its own point of the compaction cycle, as documents in
 * use are. Document i of n starts with i/n of the threshold (COMPACT_AFTER_UPDATES_DEFAULT) in rows
 * not yet folded, typed one character per update by a seed client, so compactions come spread
 * over the run at the deployed steady rate (documents × updates/s per document ÷ threshold), not
 * all at once when every fresh document reaches the threshold together. Returns the rows written.
 */
async function seedCompactionPhase(sql: Sql, docIds: string[]): Promise<number> {
  let rows = 0;
  for (const [i, docId] of docIds.entries()) {
    const n = Math.floor((i * COMPACT_AFTER_UPDATES_DEFAULT) / docIds.length);
    if (n === 0) continue;
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    const text = doc.getText('script');
    for (let k = 0; k < n; k++) text.insert(Math.floor(Math.random() * (text.length + 1)), 'x');
    await appendUpdates(sql, docId, updates);
    doc.destroy();
    rows += n;
  }
  return rows;
}

async function seed(
  sql: Sql,
  clients: number,
  docs: number,
): Promise<{ docIds: string[]; tickets: string[] }> {
  const docIds = (
    await sql<{ id: string }[]>`
    insert into projects (name) select 'bench ' || g from generate_series(1, ${docs}) g returning id`
  ).map((r) => r.id);
  const users = (
    await sql<{ id: string }[]>`
    insert into users (email, name, password_hash)
    select 'bench' || g || '@example.com', 'bench ' || g, 'x' from generate_series(1, ${clients}) g returning id`
  ).map((r) => r.id);
  const members = users.map((userId, i) => ({
    project_id: docIds[i % docs]!,
    user_id: userId,
    role: 'editor',
  }));
  for (let i = 0; i < members.length; i += 1_000)
    await sql`insert into project_members ${sql(members.slice(i, i + 1_000))}`;
  const tickets = await Promise.all(
    users.map(async (userId, i) => {
      const { ticket } = await signTicket(
        SECRET,
        { userId, name: 'bench', projectId: docIds[i % docs]!, role: 'editor' },
        3_600,
      );
      return ticket;
    }),
  );
  return { docIds, tickets };
}

/** Starts one client driver process (collab-driver.ts). */
function startDriver(drivers: ChildProcess[]): ChildProcess {
  const child = fork(fileURLToPath(new URL('./collab-driver.ts', import.meta.url)), [], {
    // `--driver-prof=<dir>`: each driver writes a V8 CPU profile there on exit.
    execArgv: [
      '--import',
      'tsx',
      ...(args['driver-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['driver-prof']}`] : []),
    ],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  drivers.push(child);
  return child;
}

/** Sends a driver a command and resolves with its answer (or rejects if it exits first). */
function ask(driver: ChildProcess, command: DriverCommand): Promise<DriverReply> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`a client driver exited (code ${code})`));
    driver.once('exit', onExit);
    driver.once('message', (reply: DriverReply) => {
      driver.off('exit', onExit);
      resolve(reply);
    });
    driver.send(command);
  });
}

/**
 * One row of the curve: starts `row.instances` server processes, connects `row.load` clients
 * (client i edits document i % docs; the k-th client of a document connects to instance k % instances)
 * spread over DRIVERS driver processes by document, warms up, measures, and stops everything (also
 * when it fails).
 */
async function run(
  row: Row,
  db: TestDatabase,
  redisUrl: string,
  docIds: string[],
  tickets: string[],
  pass: Pass,
): Promise<Result> {
  const { kind, instances, load, placement } = row;
  const docs = docIds.length;
  const children: ChildProcess[] = [];
  const drivers: ChildProcess[] = [];
  let probeChild: ChildProcess | undefined;
  let probe: Promise<void> = Promise.resolve();
  // The storing peer's LevelDB folder (YPERSISTENCE), new for each row like ours' database.
  const levelDir = kind === 'y-websocket-server-leveldb' ? mkdtempSync(join(tmpdir(), 'bench-leveldb-')) : '';
  try {
    const ports = await Promise.all(Array.from({ length: instances }, () => freePort()));
    // One Redis prefix per row: the instances of a row share it, nothing else does.
    const redisPrefix = `bench-collab-${randomBytes(4).toString('hex')}`;
    await Promise.all(
      ports.map((port) =>
        startProcess(
          kind,
          port,
          {
            DATABASE_URL: db.url,
            REDIS_URL: redisUrl,
            REDIS_PREFIX: redisPrefix,
            JWT_SECRET: SECRET,
            REALTIME_PORT: String(port),
            REALTIME_HOST: '127.0.0.1',
            LOG_LEVEL: 'warn',
            // The latency run compacts as deployed (every REALTIME_COMPACT_AFTER_UPDATES updates of a
            // document, default 500); in the durability run rows must stay for the probe to see.
            ...(pass === 'durability' ? { REALTIME_COMPACT_AFTER_UPDATES: '100000000' } : {}),
            ...(levelDir ? { YPERSISTENCE: levelDir } : {}),
          },
          children,
        ),
      ),
    );
    const baseRss = children.map((c) => rssKb(c.pid!));
    const shares: DriverClient[][] = Array.from({ length: DRIVERS }, () => []);
    for (let i = 0; i < load; i++) {
      const doc = i % docs;
      const docId = docIds[doc]!;
      const port = ports[(placement === 'by-document' ? doc : Math.floor(i / docs)) % instances]!;
      shares[doc % DRIVERS]!.push({
        url: SERVER_KINDS[kind].url(port, docId, tickets[i]!),
        doc: docId,
        hocuspocusDoc: kind === 'hocuspocus' ? docId : undefined,
      });
    }
    for (let d = 0; d < DRIVERS; d++) startDriver(drivers);
    const connected = await Promise.all(
      drivers.map((driver, d) =>
        ask(driver, { type: 'connect', clients: shares[d]!, syncTimeoutMs: SYNC_TIMEOUT_MS }),
      ),
    );
    for (const c of connected) if (c.type === 'failed') throw new Error(`${kind}: ${c.message}`);

    // Durability probe (ours, durability run only): a process of its own (durability-probe.ts) reports when each
    // edit's first row became visible, in epoch ms. Each edit counts once, at the first row seen
    // carrying it; the drivers say at the end which edits were sent in the measured window and when.
    const seenAt = new Map<string, number>();
    let duplicateRows = 0;
    const lastId = Number((await db.sql`select coalesce(max(id), 0) as m from doc_updates`)[0]!.m);
    let probeError: unknown;
    const probing = kind === 'clapboard' && pass === 'durability';
    if (probing) {
      const child = fork(
        fileURLToPath(new URL('./durability-probe.ts', import.meta.url)),
        [db.url, String(lastId)],
        {
          execArgv: ['--import', 'tsx'],
          stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        },
      );
      probeChild = child;
      child.on('message', (batch: Array<[string, number]>) => {
        for (const [key, at] of batch) {
          if (seenAt.has(key)) duplicateRows++;
          else seenAt.set(key, at);
        }
      });
      probe = new Promise<void>((resolve) =>
        child.once('exit', (code) => {
          if (code !== 0) probeError = new Error(`the durability probe exited with ${code}`);
          resolve();
        }),
      );
    }

    for (const driver of drivers)
      driver.send({ type: 'type', intervalMs: INTERVAL_MS } satisfies DriverCommand);
    await sleep(WARMUP_MS);
    const cpu0 = cpuNow(children.map((c) => c.pid!));
    const probeCpu0 = probeChild ? cpuSec(probeChild.pid!) : 0;
    for (const port of ports) rmSync(loopLagFile(port), { force: true });
    for (const child of children) child.kill('SIGUSR2');
    for (const driver of drivers) driver.send({ type: 'measure' } satisfies DriverCommand);
    const t0 = performance.now();
    // Ours, latency run: compactions that ran in the measured window (from /healthz at its ends).
    const counting = kind === 'clapboard' && pass === 'latency';
    const compactionsAtStart = counting ? ourHealth(ports).then(compactionsOf) : undefined;
    await sleep(SECONDS * 1000);
    const compactionsAtEnd = counting ? ourHealth(ports).then(compactionsOf) : undefined;
    const stopped = drivers.map((driver) => ask(driver, { type: 'stop', graceMs: DELIVERY_GRACE_MS }));
    const elapsed = (performance.now() - t0) / 1000;
    const cpu1 = cpuNow(children.map((c) => c.pid!));
    const probeCores = probeChild ? (cpuSec(probeChild.pid!) - probeCpu0) / elapsed : undefined;
    const peakRss = children.map((c) => rssKb(c.pid!));
    for (const child of children) child.kill('SIGUSR2');
    // A server stuck in its backlog answers late or not at all: its lag is then unknown (shown as
    // "stuck"), which does not fail the row.
    const serverLag = await Promise.all(
      ports.map(async (port) => {
        let text = '';
        await until(
          () => {
            try {
              text = readFileSync(loopLagFile(port), 'utf8');
              return true;
            } catch {
              return false;
            }
          },
          10_000,
          'the server loop lag report',
        ).catch(() => {});
        rmSync(loopLagFile(port), { force: true });
        return text ? ((JSON.parse(text) as { p99: number | null }).p99 ?? null) : null;
      }),
    );
    const replies = await Promise.all(stopped);
    const measuredDrivers = replies.filter((r) => r.type === 'result');
    if (measuredDrivers.length !== drivers.length) throw new Error('a client driver did not report');
    const sent = measuredDrivers.flatMap((r) => r.sent);
    const notSeen = () => sent.filter(([key]) => !seenAt.has(key));
    if (probing)
      await until(
        () => notSeen().length === 0 || probeError !== undefined,
        5_000,
        'every measured edit durable',
      ).catch(() => {});
    probeChild?.send('stop');
    await probe;
    probeChild = undefined;
    if (probeError) throw probeError;
    // Ours: every sent edit the probe did not see (in the latency run, every sent edit) is looked up
    // in Postgres after the window. The durability run looks for the row carrying it (its first
    // struct); the latency run, where compaction has folded rows into snapshots as deployed, in each
    // document's stored state (snapshot + rows, as a server loads it): an edit is there when the
    // state's contiguous range of its client reaches past its clock. Repeated rows are counted among
    // the rows (the durability run's probe counted them as they landed; folded rows cannot repeat).
    let storedCheck: string | undefined;
    if (kind === 'clapboard') {
      const unseen = notSeen();
      let missing = 0;
      let repeats = duplicateRows;
      if (unseen.length > 0 || !probing) {
        const rows = new Map<string, number>();
        for (const r of await db.sql<
          { head: Buffer }[]
        >`select substring(update from 1 for 24) as head from doc_updates`) {
          const id = firstStruct(r.head);
          const key = id && `${id.client}:${id.clock}`;
          if (key) rows.set(key, (rows.get(key) ?? 0) + 1);
        }
        if (probing) {
          for (const [key] of unseen) if (!rows.has(key)) missing++;
        } else {
          const reach = new Map<number, number>();
          for (const docId of docIds) {
            const { state } = await loadDocumentState(db.sql, docId);
            for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVectorFromUpdate(state)))
              reach.set(client, Math.max(reach.get(client) ?? 0, clock));
          }
          for (const [key] of unseen) {
            const [client, clock] = key.split(':').map(Number) as [number, number];
            if ((reach.get(client) ?? 0) <= clock) missing++;
          }
          for (const n of rows.values()) repeats += n - 1;
        }
      }
      storedCheck = probing
        ? `${missing} of ${sent.length} edits missing from Postgres, ${repeats} rows repeating an edit`
        : `${missing} of ${sent.length} edits missing from the stored state (snapshots + rows), ${repeats} rows repeating an edit`;
    }
    const durable = sent
      .filter(([key]) => seenAt.has(key))
      .map(([key, at]) => seenAt.get(key)! - at)
      .sort((a, b) => a - b);
    // The server's own accept → committed percentiles, without client-side queueing in the bench.
    let serverPersist: Result['serverPersist'];
    if (kind === 'clapboard') {
      const health = await ourHealth(ports);
      const each = health.map((h) => h.persistLatencyMs);
      if (compactionsAtStart && compactionsAtEnd) {
        const [start, end] = [await compactionsAtStart, await compactionsAtEnd];
        const after = compactionsOf(health);
        storedCheck += `; ${end.compactions - start.compactions} compactions in the measured window, ${after.compactions} in the whole run (from the document in memory: ${after.fromMemory}, of which ${after.refreshes} first applied a snapshot another instance wrote; folds of stored rows, inline: ${after.inline}, on the merge thread: ${after.threaded}, inline for want of the thread: ${after.inlineFallback})`;
      }
      const worst = (pick: (l: Latency) => number) => Math.max(...each.map(pick));
      serverPersist = {
        count: each.reduce((n, l) => n + l.count, 0),
        p50: worst((l) => l.p50),
        p99: worst((l) => l.p99),
        max: worst((l) => l.max),
        perInstanceP99: each.map((l) => l.p99),
      };
    }

    const latencies = measuredDrivers.flatMap((r) => Array.from(r.latencies)).sort((a, b) => a - b);
    // Deliveries still missing after the grace count as slower than any delivered one.
    const undelivered = measuredDrivers.reduce((n, r) => n + r.undelivered, 0);
    const total = latencies.length + undelivered;
    const pct = (q: number) => {
      const i = Math.min(total - 1, Math.floor(q * total));
      return i < latencies.length ? (latencies[i] ?? NaN) : Number.POSITIVE_INFINITY;
    };
    const driverCpu = measuredDrivers.reduce((sum, r) => sum + r.cpuSec, 0);
    const result: Result = {
      ...row,
      docs,
      p50: pct(0.5),
      p99: pct(0.99),
      max: undelivered > 0 ? Number.POSITIVE_INFINITY : (latencies.at(-1) ?? NaN),
      undeliveredPct: total > 0 ? (100 * undelivered) / total : 0,
      sentPerSec: sent.length / elapsed,
      deliveredPerSec: latencies.length / elapsed,
      memPerDocKb: peakRss.reduce((sum, kb, i) => sum + kb - baseRss[i]!, 0) / docs,
      benchLagP99: Math.max(...measuredDrivers.map((r) => r.lagP99)),
      benchLagMax: Math.max(...measuredDrivers.map((r) => r.lagMax)),
      serverLagP99: serverLag.includes(null) ? null : Math.max(...(serverLag as number[])),
      cpuPerSec: {
        servers: (cpu1.servers - cpu0.servers) / elapsed,
        postgres: (cpu1.postgres - cpu0.postgres) / elapsed,
        redis: (cpu1.redis - cpu0.redis) / elapsed,
        bench: driverCpu / elapsed,
      },
    };
    if (!probing) return { ...result, storedCheck };
    Object.assign(result, {
      probeCores,
      durableP50: quantile(durable, 0.5),
      durableP99: quantile(durable, 0.99),
      durableMax: durable.at(-1) ?? NaN,
      durableSeen: `${durable.length}/${sent.length} seen by the probe, ${storedCheck}`,
      serverPersist,
    });
    return result;
  } finally {
    probeChild?.send('stop');
    await probe;
    for (const driver of drivers) if (driver.connected) driver.disconnect();
    await Promise.all(
      drivers.map((d) => (d.exitCode === null ? new Promise((r) => d.once('exit', r)) : null)),
    );
    await Promise.all(children.map(stopProcess));
    if (levelDir) rmSync(levelDir, { recursive: true, force: true });
  }
}

const rows: Row[] = LOADS.flatMap((load) => [
  ...(SERVERS.includes('clapboard')
    ? INSTANCES.flatMap((instances) =>
        instances === 1
          ? [{ load, kind: 'clapboard' as const, instances }]
          : PLACEMENTS.map((placement) => ({ load, kind: 'clapboard' as const, instances, placement })),
      )
    : []),
  ...KINDS.filter((kind) => kind !== 'clapboard' && SERVERS.includes(kind)).map((kind) => ({
    load,
    kind,
    instances: 1,
  })),
]);
const { databaseUrl, redisUrl } = testServices(process.env);
const runsOf = new Map<Row, Result[]>(rows.map((row) => [row, []]));
/** One run of one pass of a row, on a fresh database (ours writes every update). */
async function runOnce(row: Row, pass: Pass): Promise<Result> {
  const docs = Math.ceil(row.load / CLIENTS_PER_DOC);
  const db = await createTestDatabase(databaseUrl);
  try {
    const { docIds, tickets } = await seed(db.sql, row.load, docs);
    if (row.kind === 'clapboard' && pass === 'latency') await seedCompactionPhase(db.sql, docIds);
    return await run(row, db, redisUrl, docIds, tickets, pass);
  } catch (err) {
    // A row that cannot complete (e.g. clients never sync) is recorded, and the curve goes on.
    const message = err instanceof Error ? err.message : String(err);
    return { ...row, docs, failed: row.kind === 'clapboard' ? `${pass} run: ${message}` : message };
  } finally {
    await db.drop();
  }
}
for (let repeat = 0; repeat < REPEAT; repeat++) {
  for (const row of rows) {
    let result = await runOnce(row, 'latency');
    if (row.kind === 'clapboard' && !result.failed) {
      // The durability figures come from a second run of the row, with the probe (see `Pass`).
      const probed = await runOnce(row, 'durability');
      result = probed.failed
        ? { ...result, failed: probed.failed }
        : {
            ...result,
            durableP50: probed.durableP50,
            durableP99: probed.durableP99,
            durableMax: probed.durableMax,
            durableSeen: probed.durableSeen,
            serverPersist: probed.serverPersist,
            probedP99: probed.p99,
            probeCores: probed.probeCores,
          };
    }
    runsOf.get(row)!.push(result);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}
// Each row as its median run by edit p99 (a failed run counts as the worst), with every run's
// p99s beside it: the spread says how much this machine's noise moved the numbers.
const results: Result[] = rows.map((row) => {
  const all = runsOf.get(row)!;
  const ranked = [...all].sort(
    (a, b) => (a.failed ? 1 : 0) - (b.failed ? 1 : 0) || (a.p99 ?? 0) - (b.p99 ?? 0),
  );
  const median = ranked[Math.floor((ranked.length - 1) / 2)]!;
  return { ...median, runs: all.map((r) => ({ p99: r.p99, durableP99: r.durableP99, failed: r.failed })) };
});

const f = (n: number | undefined, d = 1) =>
  n === undefined || Number.isNaN(n)
    ? '–'
    : n === Number.POSITIVE_INFINITY
      ? `> ${SECONDS + DELIVERY_GRACE_MS / 1000} s (undelivered)`
      : n.toFixed(d);
const placed = (r: Row) => (r.placement === 'by-document' ? ' by document' : '');
const kindName = (k: Kind) => SERVER_KINDS[k].name;
const label = (r: Result) =>
  `${kindName(r.kind)}${r.kind === 'clapboard' ? ` ×${r.instances}${placed(r)}` : ''}`;
const ok = (r: Result): r is Result & { p99: number } =>
  !r.failed && r.p99 !== undefined && !Number.isNaN(r.p99);
const tableRow = (r: Result) => {
  const head = `| ${r.load} | ${kindName(r.kind)} | ${r.instances}${placed(r)} |`;
  if (r.failed)
    return `${head} FAILED: ${r.failed.replaceAll('|', '/')} | – | – | – | – | – | – | – | – | – | – | – | – |`;
  const persist = r.serverPersist
    ? r.instances > 1
      ? `${f(r.serverPersist.p99)} (worst of ${r.serverPersist.perInstanceP99.map((p) => f(p)).join(' / ')})`
      : f(r.serverPersist.p99)
    : 'n/a';
  const runs = (r.runs ?? [])
    .map((x) =>
      x.failed
        ? 'failed'
        : `${x.p99 === Number.POSITIVE_INFINITY ? '∞' : f(x.p99, 0)}${r.kind === 'clapboard' ? `/${f(x.durableP99, 0)}` : ''}`,
    )
    .join(', ');
  const cpu = r.cpuPerSec
    ? `${f(r.cpuPerSec.servers, 2)} / ${f(r.cpuPerSec.postgres, 2)} / ${f(r.cpuPerSec.redis, 2)} / ${f(r.cpuPerSec.bench, 2)}`
    : '–';
  return `${head} ${f(r.p50)} | ${f(r.p99)} | ${f(r.max)} | ${f(r.sentPerSec, 0)} | ${f(r.deliveredPerSec, 0)} | ${f(r.undeliveredPct, 1)} | ${r.kind === 'clapboard' ? f(r.durableP99) : 'n/a'} | ${persist} | ${f(r.memPerDocKb, 0)} | ${r.serverLagP99 === null ? 'stuck' : f(r.serverLagP99)} | ${f(r.benchLagP99)} | ${cpu} | ${runs} |`;
};

const targetLines = LOADS.map((load) => {
  const atLoad = results.filter((r) => r.load === load);
  const ours = atLoad.filter((r) => r.kind === 'clapboard');
  const peers = atLoad.filter((r) => r.kind !== 'clapboard');
  const lines: string[] = [];
  if (load === 500) {
    const each = ours.map((r) =>
      r.failed
        ? `${label(r)}: row failed — NOT met`
        : `${label(r)}: ${f(r.durableP99)} ms — ${r.durableP99 !== undefined && r.durableP99 <= 100 ? 'met' : 'NOT met'} (server accept → commit p99 ${f(r.serverPersist?.p99)} ms)`,
    );
    lines.push(`- ${load} clients, send → durable p99 ≤ 100 ms: ${each.join('; ') || 'ours not run'}.`);
  }
  const bestOurs = ours.filter(ok).sort((a, b) => a.p99 - b.p99)[0];
  const compare = (among: Result[], what: string) => {
    const bestPeer = among.filter(ok).sort((a, b) => a.p99 - b.p99)[0];
    const verdict = !bestOurs
      ? 'NOT met (no row of ours completed)'
      : !bestPeer
        ? `no peer completed (${among.length} run) — nothing to compare`
        : bestOurs.p99 === Number.POSITIVE_INFINITY && bestPeer.p99 === Number.POSITIVE_INFINITY
          ? 'not comparable: every row left more than 1 % of its edits undelivered (overloaded)'
          : bestOurs.p99 <= bestPeer.p99
            ? 'met'
            : 'NOT met';
    return `- ${load} clients, edit p99 no worse than ${what}: ours best ${bestOurs ? `${f(bestOurs.p99)} ms (${label(bestOurs)})` : '–'} vs ${bestPeer ? `${f(bestPeer.p99)} ms (${label(bestPeer)})` : '–'} — ${verdict}.`;
  };
  // The issue's target counts every peer, those keeping documents in memory only included.
  lines.push(compare(peers, "the best peer's"));
  const storing = peers.filter((r) => SERVER_KINDS[r.kind].stores);
  if (storing.length > 0) lines.push(compare(storing, "the best peer's that also stores every update"));
  return lines.join('\n');
});

const durabilityLines = results
  .filter((r) => r.kind === 'clapboard' && !r.failed)
  .map(
    (r) =>
      `- ${r.load} ${label(r)}: send → durable p50 ${f(r.durableP50)} / p99 ${f(r.durableP99)} / max ${f(r.durableMax)} ms (${r.durableSeen}; edit p99 in that run ${f(r.probedP99)} ms, the probe process using ${f(r.probeCores, 2)} cores); latency run: ${r.storedCheck}; server accept → commit over the last ${r.serverPersist?.count ?? 0} updates${r.instances > 1 ? ' (all instances; worst instance shown)' : ''}: p50 ${f(r.serverPersist?.p50)} / p99 ${f(r.serverPersist?.p99)} / max ${f(r.serverPersist?.max)} ms.`,
  );

const driverBound = results
  .filter((r) => ok(r) && r.benchLagP99 !== undefined && r.benchLagP99 >= Math.max(10, r.p99 / 2))
  .map((r) => `${r.load} ${label(r)} (lag ${f(r.benchLagP99)} ms vs p99 ${f(r.p99)} ms)`);
const cpu = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}`;
const markdown = `## Collaboration (Yjs sync): scale curve

Command: \`npm run bench:collab${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` (apps/realtime/bench/collab-bench.ts), run ${new Date().toISOString().slice(0, 10)} on
${cpu}, Node ${process.version}. Loads ${LOADS.join(', ')} clients, ${CLIENTS_PER_DOC} clients per document (documents = load / ${CLIENTS_PER_DOC}),
each typing one character every ~${INTERVAL_MS} ms at a random position, ${WARMUP_MS / 1000} s warm-up then ${SECONDS} s measured; a fresh database per row.
Ours runs as 1 and as 2 instances (separate processes on their own ports, same Postgres, relaying through Redis), the 2 in two
placements: a document's clients spread round-robin over the instances (every document spans both, so every edit is applied on
both and relayed through Redis), and "by document" (all of a document's clients on one instance, half the documents on each, as
the Kubernetes Ingress places them by hashing the /yjs/<project> path; nothing is relayed). The peers are single-instance, with no
cross-process relay: y-websocket-server and hocuspocus keep documents in memory and store nothing; y-websocket-server + LevelDB is the
same server with its own persistence option (YPERSISTENCE, y-leveldb 0.1.2), which writes every update to a LevelDB folder as it
comes (asynchronously, without an fsync per write). Ours persists every update to Postgres (one multi-row insert per instance per
10 ms window, each a committed transaction) and, as deployed, compacts a document every ${COMPACT_AFTER_UPDATES_DEFAULT} updates: an open document from memory (its live
state becomes the snapshot and the rows it holds are deleted; nothing is read back or merged), a closing one (or one over the inline limit that another instance also holds) by folding its stored rows (inline for documents up to
${DOCUMENT_MERGE_DEFAULTS.inlineMaxBytes / 1024} KB, larger ones on a merge thread, off the event loop that relays edits); the durability lines count both. So that compactions fall in the window at the steady rate of documents in use
(documents × updates/s per document ÷ ${COMPACT_AFTER_UPDATES_DEFAULT}) rather than all together when fresh documents reach the threshold, ours'
latency run starts document i of n with i/n × ${COMPACT_AFTER_UPDATES_DEFAULT} unfolded rows (0–${COMPACT_AFTER_UPDATES_DEFAULT - 1} one-character updates); the peers' documents start empty.
What compaction costs ours here: on 2026-12-07, when open documents still folded their stored rows, 4 interleaved pairs of 500-client latency runs of ours ×1 gave edit p99
241/207/102/365 ms compacting against 94/102/146/185 ms with compaction off (medians 223.9 and 123.7 ms). Since 2026-12-08 open documents compact from memory. CPU profiles
of one 500-client latency run each (--cpu-prof): compaction took 294 ms of the server's main thread over seconds 4–14 of the run folding rows, against 20 ms from memory
(about 8 and 0.5 ms per compaction). 4 interleaved rounds that day, edit p99 in ms: from memory 51/81/96/57, folding rows 65/114/38/33, compaction off 58/130/61/37,
y-websocket-server 24/28/19/8: compaction no longer shows at this load, and the spread between runs is larger than the difference between the three configurations of ours.
Before that day the bench ran ours with compaction off, so its earlier 500-client figures did not pay for it.

Latency = a keystroke's send to its application on every other client of the document, for the keystrokes sent in the measured window;
deliveries still count for ${DELIVERY_GRACE_MS / 1000} s after it, and an (edit, receiver) pair not delivered by then counts as slower than every
delivered one ("undelivered %"; a percentile that falls among them reads "> ${SECONDS + DELIVERY_GRACE_MS / 1000} s"), so an overloaded server's backlog is not hidden by
counting only what got through. Send → durable = send to the row being
visible in \`doc_updates\` (seen by a probe process of its own, so the drivers' lag is not counted, that queries on each commit's NOTIFY from a bench-only statement trigger; an edit counts
once, at the first row carrying it). Each run of a row of ours is two runs on fresh databases: a latency run with nothing beside
the server but what every peer has (its database and the drivers), compacting as deployed, which gives the row's edit latencies and after
which every sent edit is looked up in the stored documents (snapshot + rows, as a server loads them); and a durability run with the probe
and compaction off (the probe must see each row), which gives send → durable and the server's accept → commit.
The probe and its queries take CPU from the same cores, which no peer pays: measured on 2026-12-07 over 5 interleaved pairs of 500-client runs,
the probe process alone used 0.06–0.08 cores and ours' edit p99 was higher with it in every pair (median 112.6 ms against 64.3 ms).
The durability lines below give the edit p99 of the durability run too.
The clients run in ${DRIVERS} driver processes (collab-driver.ts; all clients of a document in one, so a keystroke's send and its remote
applies are timed on one clock). One driver process saturated its event loop at 1,000 clients, which made every server's latency the driver's queueing. Server accept → commit = the
server's own figure from /healthz (for 2 instances, the worse instance's p99); it covers the
server's last ≤20,000 updates, so at low loads it includes connection and warm-up, not only the measured window.
Memory/doc = RSS growth of all instances from idle to the end of the run, summed, divided by documents (with 2 spread instances each document is loaded on both).

**Read with care:** every server, the drivers and the durability probe share this machine's ${cpus().length} CPUs.
At high loads the drivers themselves saturate: the lag column is the worst driver's event-loop
delay p99 (perf_hooks monitorEventLoopDelay, beyond its ${LAG_RESOLUTION_MS} ms sampling timer) over the measured window; when
it is comparable to a row's latencies, the driver, not the server, dominates that row. The server loop lag column is the same
measure taken inside the row's server process(es) (worst instance; bench/servers/loop-lag.ts, preloaded into ours and the peers alike):
how long the server's own queueing held messages ("stuck": a server that never got back to its timers in the window).
A second instance of ours adds a process competing for the same cores, so ×2 here measures the relay's cost, not scale-out.
"Cores busy" is CPU seconds per second over the measured window (from /proc): the row's server processes, all Postgres
processes, Redis, and the drivers (clients and their Y.Docs); the machine has ${cpus().length}. It shows where the time goes: ours
pays for Postgres (every update stored) and, with 2 instances, Redis (every update published; one instance alone publishes none) on the same cores the driver needs;
the LevelDB peer pays for its writes inside its own process (LevelDB's native threads count in its server column).
Every row ran ${REPEAT} time${REPEAT > 1 ? 's' : ''}${REPEAT > 1 ? ", the rows interleaved (all once, then all again…); the table shows each row's median run by edit p99, the last column every run" : ''}.

| load | server | instances | p50 ms | p99 ms | max ms | edits sent/s | remote applies/s | undelivered % | send→durable p99 ms | server accept→commit p99 | memory/doc KB | server loop lag p99 ms | driver loop lag p99 ms | cores busy: server(s) / Postgres / Redis / drivers | p99 (/durable p99) of each run |
| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |
${results.map(tableRow).join('\n')}

Rows where a driver's loop lag p99 is at least 10 ms and half the edit p99 (driver-bound: their latencies overstate the server's):
${driverBound.join(', ') || 'none'}.

Targets:
${targetLines.join('\n')}

Durability of ours per row:
${durabilityLines.join('\n') || '- (no row of ours completed)'}
`;
writeBenchSection('collab', markdown);
process.stdout.write(markdown);
