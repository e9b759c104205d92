/**
 * `npm start`: the whole studio on one machine.
 *
 * Uses DATABASE_URL / REDIS_URL when set; otherwise starts an embedded Postgres and a local
 * redis-server with their data under DATA_DIR. Runs migrations, seeds a demo account on first run,
 * builds the web app when needed, starts api, realtime and worker under a supervisor (a crashed
 * service is restarted with backoff while the others keep serving), prints the URL, and stops every
 * service gracefully on Ctrl-C (a second Ctrl-C forces).
 *
 * `npm run dev:edge` (`--edge`) runs the same studio with its API on workerd as well: the edge
 * bundle on EDGE_PORT serves the web app and the API against the same Postgres, Redis and realtime;
 * assets go to S3 (a local S3 server under DATA_DIR/s3 unless S3_BUCKET is set, shared by every
 * service); the Node API keeps running beside it as the edge's media probe service.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { seedDemo } from '@clapboard/api/seed';
import { StartupError } from '@clapboard/server/config';
import { connectDb, migrate } from '@clapboard/server/db';
import {
  ensureSystemPackages,
  ensureWritableFolder,
  isPortOpen,
  localJwtSecret,
  startEmbeddedPostgres,
  startLocalRedis,
  startLocalS3,
} from '@clapboard/server/local-services';
import { connectRedis } from '@clapboard/server/redis';
import { s3BlobStoreEnv } from '@clapboard/server/storage';
import { buildWebIfStale } from './build-web';
import { loadLauncherEnv, ROOT } from './launcher-env';
import { prefixLines } from './prefix-lines';
import { type Supervisor, supervise } from './supervisor';

const say = (line: string) => process.stdout.write(`[clapboard] ${line}\n`);

interface Service {
  name: string;
  entry: string;
  port: number;
}

async function main(): Promise<void> {
  const env = loadLauncherEnv();
  const edge = process.argv.includes('--edge');
  const dataDir = resolve(ROOT, env.DATA_DIR);
  ensureWritableFolder(dataDir, 'DATA_DIR');
  // ffmpeg, the voices, transcription, fonts (infra/system-packages.txt): installed here when we
  // are root on Debian/Ubuntu; otherwise the studio still starts, says what is missing and how to
  // install it, and the worker reports those engines unavailable.
  const system = ensureSystemPackages('start', { root: ROOT, path: env.PATH, log: say });
  if (system.command) {
    for (const p of system.missing) say(`missing system package ${p.name}: ${p.why}`);
    say(`install them with: ${system.command}`);
  }
  const stops: Array<() => Promise<void>> = [];
  let supervisor: Supervisor | undefined;
  let stopping = false;

  // First Ctrl-C (or SIGTERM): a graceful stop, each service closing itself (jobs drained,
  // documents flushed). A second one forces. Services run in their own process groups, so the
  // terminal's SIGINT reaches only this process and each service hears exactly one signal.
  const stopAll = async (code: number) => {
    if (stopping) {
      say('second signal: killing the services now');
      supervisor?.force();
      return;
    }
    stopping = true;
    say('stopping (waiting for jobs and documents to be saved; Ctrl-C again to force)…');
    await supervisor?.stop();
    for (const stop of stops.reverse()) await stop().catch(() => {});
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  // Refuse taken ports before starting anything, naming the variable to change.
  const services: Service[] = [
    { name: 'api', entry: 'apps/api/src/main.ts', port: env.API_PORT },
    { name: 'realtime', entry: 'apps/realtime/src/main.ts', port: env.REALTIME_PORT },
    { name: 'worker', entry: 'apps/gpu-worker/src/main.ts', port: env.WORKER_PORT },
  ];
  const portVar = { api: 'API_PORT', realtime: 'REALTIME_PORT', worker: 'WORKER_PORT' } as const;
  const taken = edge ? [{ name: 'edge API', port: env.EDGE_PORT, variable: 'EDGE_PORT' }] : [];
  if (edge && !env.S3_BUCKET)
    taken.push({ name: 'local S3', port: env.EDGE_S3_PORT, variable: 'EDGE_S3_PORT' });
  for (const t of taken)
    if (await isPortOpen(t.port))
      throw new StartupError(
        `Port ${t.port} (${t.name}) is already in use: set ${t.variable} to a free port, or stop what is using it (lsof -i :${t.port}).`,
      );
  for (const s of services) {
    if (await isPortOpen(s.port)) {
      throw new StartupError(
        `Port ${s.port} (${s.name}) is already in use: set ${portVar[s.name as keyof typeof portVar]} to a free port, or stop what is using it (lsof -i :${s.port}).`,
      );
    }
  }

  const jwtSecret = env.JWT_SECRET ?? localJwtSecret(dataDir);
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    say(`DATABASE_URL not set: starting an embedded Postgres in ${resolve(dataDir, 'postgres')}`);
    const pg = await startEmbeddedPostgres(resolve(dataDir, 'postgres'), 'clapboard', say);
    stops.push(pg.stop);
    databaseUrl = pg.url;
  }
  let redisUrl = env.REDIS_URL;
  if (!redisUrl) {
    say(`REDIS_URL not set: starting redis-server in ${resolve(dataDir, 'redis')}`);
    const redis = await startLocalRedis(resolve(dataDir, 'redis'), { path: env.PATH, log: say });
    stops.push(redis.stop);
    redisUrl = redis.url;
  }

  const sql = await connectDb(databaseUrl, { max: 2, applicationName: 'clapboard-launcher' });
  try {
    const applied = await migrate(sql);
    if (applied.length) say(`applied migrations: ${applied.join(', ')}`);
    const demo = await seedDemo(sql);
    if (demo.seeded) say('first run: created the demo account and project');
  } finally {
    await sql.end({ timeout: 2 });
  }
  const { redis, evictionOk } = await connectRedis(redisUrl);
  redis.disconnect();
  if (!evictionOk)
    say('warning: Redis maxmemory-policy is not noeviction; BullMQ needs noeviction to never lose jobs');

  const webDist = await buildWebIfStale(say);

  // The edge API keeps assets in S3, and so must every service that reads them.
  const s3Env: Record<string, string> = {};
  if (edge && !env.S3_BUCKET) {
    const s3 = await startLocalS3(resolve(dataDir, 's3'), { port: env.EDGE_S3_PORT });
    stops.push(s3.close);
    say(
      `S3_BUCKET not set: a local S3 server on ${s3.options.endpoint} keeps assets in ${resolve(dataDir, 's3')}`,
    );
    Object.assign(s3Env, s3BlobStoreEnv(s3.options));
  }
  // The Node API reads the edge's uploads for it (ffprobe and sharp do not run on workerd).
  const probeToken = edge ? randomBytes(32).toString('hex') : undefined;

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    JWT_SECRET: jwtSecret,
    DATA_DIR: dataDir,
    API_PORT: String(env.API_PORT),
    REALTIME_PORT: String(env.REALTIME_PORT),
    WORKER_PORT: String(env.WORKER_PORT),
    WEB_DIST: webDist,
    PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${env.API_PORT}`,
    ...s3Env,
    ...(probeToken ? { MEDIA_PROBE_TOKEN: probeToken } : {}),
  };
  // `node --import tsx` keeps each service a single process: the tsx CLI would sit in between and
  // SIGKILL the service if it did not acknowledge a signal within 30 ms, skipping its shutdown.
  supervisor = supervise(
    services.map((s) => ({
      name: s.name,
      command: process.execPath,
      args: ['--import', 'tsx', resolve(ROOT, s.entry)],
      env: childEnv,
      onStart: (child) => {
        prefixLines(child.stdout!, s.name, process.stdout, env.LOG_FORMAT);
        prefixLines(child.stderr!, s.name, process.stderr, env.LOG_FORMAT);
      },
    })),
    say,
  );

  // Wait until every service answers its health check.
  const deadline = Date.now() + 90_000;
  for (const s of services) {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${s.port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (stopping) return;
      if (Date.now() > deadline)
        throw new StartupError(
          `${s.name} did not become healthy on port ${s.port} within 90 s; see its log lines above.`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  let url = env.PUBLIC_URL ?? `http://localhost:${env.API_PORT}`;
  if (edge) {
    // Loaded only here: plain `npm start` never needs esbuild or the workerd binary.
    const { buildEdge, startWorkerd } = await import('@clapboard/api/edge');
    const bundle = await buildEdge();
    say(`edge bundle built: ${bundle.outfile} (${(bundle.bytes / 1024 / 1024).toFixed(1)} MiB)`);
    url = `http://localhost:${env.EDGE_PORT}`;
    const bindings: Record<string, string> = {};
    for (const [name, value] of Object.entries(childEnv))
      if (
        value !== undefined &&
        /^[A-Z][A-Z0-9_]*$/.test(name) &&
        !/^(PATH|HOME|PWD|SHELL|TERM|USER)$/.test(name)
      )
        bindings[name] = value;
    Object.assign(bindings, {
      PUBLIC_URL: url,
      REALTIME_PUBLIC_URL: `http://localhost:${env.REALTIME_PORT}`,
      MEDIA_PROBE_URL: `http://127.0.0.1:${env.API_PORT}`,
    });
    const workerd = await startWorkerd({
      bindings,
      port: env.EDGE_PORT,
      host: '127.0.0.1',
      assetsDir: webDist,
    });
    stops.push(workerd.close);
    workerd.process.stdout?.on('data', (chunk: Buffer) => process.stdout.write(prefixEach(chunk, 'edge')));
    workerd.process.stderr?.on('data', (chunk: Buffer) => process.stderr.write(prefixEach(chunk, 'edge')));
    say(`edge API (workerd) listening on ${url}; the Node API stays on port ${env.API_PORT}`);
  }
  say('');
  say(`Clapboard is running: ${url}`);
  say(`  demo login: demo@clapboard.local / clapboard-demo`);
  say(`  API docs:   ${url}/api/docs`);
  say('  Ctrl-C stops everything.');
}

const prefixEach = (chunk: Buffer, name: string) =>
  chunk
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((line) => `[${name}] ${line}\n`)
    .join('');

main().catch((err: unknown) => {
  if (err instanceof StartupError) process.stderr.write(`[clapboard] ${err.message}\n`);
  else
    process.stderr.write(`[clapboard] failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
