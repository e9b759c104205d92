import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@clapboard/server/local-services';
import { createTestDatabase, testServices } from '@clapboard/server/testing';
import { buildWebIfStale } from '../../infra/local/build-web';
import { ROOT } from './spawn-launcher';

export interface Stack {
  /** Where the browser opens the app (the API serving the built web app). */
  baseUrl: string;
  realtimeUrl: string;
  /** Everything the three apps printed, for failure messages. */
  output(): string;
  close(): Promise<void>;
}

async function waitHealthy(url: string, child: ChildProcess, out: () => string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (child.exitCode !== null) throw new Error(`${url}: process exited (${child.exitCode})\n${out()}`);
    if (Date.now() > deadline) throw new Error(`${url} not healthy in time\n${out()}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * Starts api, realtime and worker as child processes on free ports against a fresh Postgres
 * database (on the machine's server) and a Redis key prefix of their own, so parallel runs and
 * other suites never share queues or rooms. The built web app is copied and given a
 * `<meta name="clapboard-realtime">` pointing at this realtime port, as a deployment would.
 */
export async function startStack(): Promise<Stack> {
  const services = testServices(process.env);
  const db = await createTestDatabase(services.databaseUrl);
  const dataDir = mkdtempSync(join(tmpdir(), 'clapboard-e2e-'));
  const [api, realtime, worker] = [await freePort(), await freePort(), await freePort()];
  const baseUrl = `http://127.0.0.1:${api}`;
  const realtimeUrl = `http://127.0.0.1:${realtime}`;

  const dist = await buildWebIfStale(() => {});
  const webDist = join(dataDir, 'web');
  cpSync(dist, webDist, { recursive: true });
  const index = join(webDist, 'index.html');
  writeFileSync(
    index,
    readFileSync(index, 'utf8').replace(
      '</head>',
      `<meta name="clapboard-realtime" content="${realtimeUrl}" />\n</head>`,
    ),
  );

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.url,
    REDIS_URL: services.redisUrl,
    // Own queues, Socket.IO channels and keys: other suites share this Redis.
    REDIS_PREFIX: `e2e-${randomBytes(4).toString('hex')}`,
    JWT_SECRET: randomBytes(36).toString('base64url'),
    DATA_DIR: dataDir,
    API_PORT: String(api),
    REALTIME_PORT: String(realtime),
    WORKER_PORT: String(worker),
    PUBLIC_URL: baseUrl,
    WEB_DIST: webDist,
    WORKER_DEVICE: 'cpu',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
  };
  let out = '';
  const tsx = resolve(ROOT, 'node_modules/.bin/tsx');
  const children = (
    [
      ['api', 'apps/api/src/main.ts', api],
      ['realtime', 'apps/realtime/src/main.ts', realtime],
      ['worker', 'apps/gpu-worker/src/main.ts', worker],
    ] as const
  ).map(([name, entry, port]) => {
    const child = spawn(tsx, [resolve(ROOT, entry)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const add = (d: Buffer) => {
      out += `[${name}] ${d.toString()}`;
    };
    child.stdout!.on('data', add);
    child.stderr!.on('data', add);
    return { child, port };
  });
  const output = () => out;
  const close = async () => {
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(force);
              done();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    await db.drop().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (const { child, port } of children)
      await waitHealthy(`http://127.0.0.1:${port}/healthz`, child, output);
  } catch (err) {
    await close();
    throw err;
  }
  return { baseUrl, realtimeUrl, output, close };
}
