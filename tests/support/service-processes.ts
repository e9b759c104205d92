import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { freePort } from '@clapboard/server/local-services';
import { ROOT } from './spawn-launcher';

type ServiceName = 'api' | 'realtime' | 'worker';

export interface RunningServices {
  apiUrl: string;
  realtimeUrl: string;
  workerUrl: string;
  /** The environment the services run with (secret, prefix, ports). */
  env: NodeJS.ProcessEnv;
  /** Everything the services printed, for failure messages. */
  output(): string;
  /** SIGTERM to each, then waits for them to exit. */
  stop(): Promise<void>;
  /** Sends `signal` to one service and waits for it to exit. */
  kill(name: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped service again with the same environment and port, and waits until ready. */
  restart(name: ServiceName): Promise<void>;
  /** The running process id of a service (benchmarks read its CPU time). */
  pid(name: ServiceName): number | undefined;
}

const ENTRIES: Record<ServiceName, string> = {
  api: 'apps/api/src/main.ts',
  realtime: 'apps/realtime/src/main.ts',
  worker: 'apps/gpu-worker/src/main.ts',
};

/**
 * Starts the real api, realtime and worker processes (their own main.ts, as `npm start` does)
 * against the given database and Redis, on free ports, with a Redis prefix, secret and data folder
 * of their own. Runs `node --import tsx` so each service is one process a test can signal.
 */
export async function startServices(opts: {
  databaseUrl: string;
  redisUrl: string;
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /** Which services to start; default all three. */
  only?: ServiceName[];
  /** Extra Node flags for every service, e.g. `--cpu-prof` for a benchmark's profile. */
  nodeArgs?: string[];
  /** Ports chosen by the caller (e.g. to bake the realtime URL into a web build); default free ones. */
  ports?: Partial<Record<ServiceName, number>>;
}): Promise<RunningServices> {
  const ports: Record<ServiceName, number> = {
    api: opts.ports?.api ?? (await freePort()),
    realtime: opts.ports?.realtime ?? (await freePort()),
    worker: opts.ports?.worker ?? (await freePort()),
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl,
    REDIS_PREFIX: `t${randomBytes(4).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    DATA_DIR: opts.dataDir,
    API_PORT: String(ports.api),
    REALTIME_PORT: String(ports.realtime),
    WORKER_PORT: String(ports.worker),
    PUBLIC_URL: `http://127.0.0.1:${ports.api}`,
    LOG_LEVEL: 'warn',
    ...opts.env,
  };
  const wanted = opts.only ?? (['api', 'realtime', 'worker'] as ServiceName[]);
  let out = '';
  const launch = (name: ServiceName) => {
    const child = spawn(
      process.execPath,
      [...(opts.nodeArgs ?? []), '--import', 'tsx', resolve(ROOT, ENTRIES[name])],
      {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    return child;
  };
  const byName = new Map<ServiceName, ChildProcess>();
  const children: ChildProcess[] = wanted.map((name) => {
    const child = launch(name);
    byName.set(name, child);
    return child;
  });
  const stop = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((done) => {
            if (c.exitCode !== null || c.signalCode !== null) return done();
            const force = setTimeout(() => c.kill('SIGKILL'), 10_000);
            c.once('exit', () => {
              clearTimeout(force);
              done();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
  };
  const waitReady = async (names: ServiceName[]) => {
    const deadline = Date.now() + 60_000;
    for (const name of names) {
      for (;;) {
        const ok = await fetch(`http://127.0.0.1:${ports[name]}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        if (Date.now() > deadline || names.some((n) => byName.get(n)?.exitCode !== null)) {
          await stop();
          throw new Error(`services did not become ready:\n${out}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  await waitReady(wanted);
  const url = (name: ServiceName) => `http://127.0.0.1:${ports[name]}`;
  return {
    apiUrl: url('api'),
    realtimeUrl: url('realtime'),
    workerUrl: url('worker'),
    env,
    output: () => out,
    stop,
    async kill(name, signal = 'SIGKILL') {
      const child = byName.get(name);
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
    pid: (name) => byName.get(name)?.pid,
    async restart(name) {
      const child = launch(name);
      byName.set(name, child);
      children.push(child);
      await waitReady([name]);
    },
  };
}
