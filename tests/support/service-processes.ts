import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { freePort } from '@clapboard/server/local-services';
import { ROOT } from './spawn-launcher';

export interface RunningServices {
  apiUrl: string;
  realtimeUrl: string;
  workerUrl: string;
  /** Everything the services printed, for failure messages. */
  output(): string;
  /** SIGTERM to each, then waits for them to exit. */
  stop(): Promise<void>;
}

/**
 * Starts the real api, realtime and worker processes (their own main.ts, as `npm start` does)
 * against the given database and Redis, on free ports, with a Redis prefix and data folder of
 * their own. Runs `node --import tsx` so each service is one process a test can signal.
 */
export async function startServices(opts: {
  databaseUrl: string;
  redisUrl: string;
  dataDir: string;
  env?: NodeJS.ProcessEnv;
}): Promise<RunningServices> {
  const [api, realtime, worker] = [await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl,
    REDIS_PREFIX: `t${randomBytes(4).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    DATA_DIR: opts.dataDir,
    API_PORT: String(api),
    REALTIME_PORT: String(realtime),
    WORKER_PORT: String(worker),
    PUBLIC_URL: `http://127.0.0.1:${api}`,
    LOG_LEVEL: 'warn',
    ...opts.env,
  };
  let out = '';
  const children: ChildProcess[] = [
    'apps/api/src/main.ts',
    'apps/realtime/src/main.ts',
    'apps/gpu-worker/src/main.ts',
  ].map((entry) => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, entry)], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    return child;
  });
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((done) => {
            if (c.exitCode !== null || c.signalCode !== null) return done();
            c.once('exit', () => done());
            c.kill('SIGTERM');
          }),
      ),
    );
  };
  const deadline = Date.now() + 60_000;
  for (const port of [api, realtime, worker]) {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline || children.some((c) => c.exitCode !== null)) {
        await stop();
        throw new Error(`services did not become ready:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    apiUrl: `http://127.0.0.1:${api}`,
    realtimeUrl: `http://127.0.0.1:${realtime}`,
    workerUrl: `http://127.0.0.1:${worker}`,
    output: () => out,
    stop,
  };
}
