import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { freePort } from '@clapboard/server/local-services';
import { spawnTied } from '@clapboard/server/spawn-tied';
import { EDGE_BUNDLE } from './build-edge';

/** The compatibility date the worker is written against (also in wrangler.toml). */
export const EDGE_COMPATIBILITY_DATE = '2026-11-01';

export interface WorkerdOptions {
  /** The worker's environment: the API's variables (DATABASE_URL, REDIS_URL, JWT_SECRET, S3_*…). */
  bindings: Record<string, string>;
  port?: number;
  host?: string;
  /** The built web app to serve at `/` through the ASSETS binding. */
  assetsDir?: string;
  /** Default: the bundle `build-edge.ts` writes. */
  bundle?: string;
  /** Opens the V8 inspector (Chrome DevTools protocol) on this port, for CPU profiles. */
  inspectorPort?: number;
}

/** The workerd binary of the `workerd` npm package (its platform build). */
const workerdBinary = (createRequire(import.meta.url)('workerd') as { default: string }).default;

const capnpString = (text: string) => JSON.stringify(text);

/**
 * workerd's configuration (Cap'n Proto text) for the edge API: one worker running the bundle, its
 * bindings as text, outbound sockets and fetches allowed to private and local addresses (Postgres,
 * Redis, S3 and realtime on this machine or its network), and the web app as a read-only disk service.
 */
export function workerdConfig(
  options: WorkerdOptions & { port: number; host: string; configDir: string },
): string {
  const bindings = Object.entries(options.bindings).map(
    ([name, value]) => `(name = ${capnpString(name)}, text = ${capnpString(value)})`,
  );
  const services = [
    '(name = "api", worker = .api)',
    '(name = "internet", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true)))',
  ];
  if (options.assetsDir) {
    services.push(
      `(name = "assets", disk = (path = ${capnpString(resolve(options.assetsDir))}, writable = false))`,
    );
    bindings.push('(name = "ASSETS", service = "assets")');
  }
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ ${services.join(', ')} ],
  sockets = [ (name = "http", address = ${capnpString(`${options.host}:${options.port}`)}, http = (), service = "api") ],
);
const api :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed ${capnpString(relative(options.configDir, resolve(options.bundle ?? EDGE_BUNDLE)))}) ],
  compatibilityDate = ${capnpString(EDGE_COMPATIBILITY_DATE)},
  compatibilityFlags = ["nodejs_compat"],
  bindings = [ ${bindings.join(', ')} ],
  globalOutbound = "internet",
);
`;
}

export interface RunningWorkerd {
  url: string;
  port: number;
  process: ChildProcess;
  /** What workerd printed (its errors and the worker's console). */
  output(): string;
  close(): Promise<void>;
}

/**
 * Starts workerd serving the edge bundle and resolves once `/healthz` answers over HTTP (the worker
 * loaded and reached Postgres and Redis), or rejects with workerd's output.
 */
export async function startWorkerd(
  options: WorkerdOptions,
  readyTimeoutMs = 30_000,
  /** What answers 200 once the worker is up; default the API's `/healthz`. */
  readyPath = '/healthz',
): Promise<RunningWorkerd> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-workerd-'));
  const configFile = join(dir, 'api.capnp');
  // `embed` paths are read relative to the config file.
  writeFileSync(configFile, workerdConfig({ ...options, host, port, configDir: dir }));
  const inspector = options.inspectorPort ? [`--inspector-addr=127.0.0.1:${options.inspectorPort}`] : [];
  // Tied to this process: workerd dies with it, however it dies (a crashed test or bench).
  const child = spawnTied<ChildProcess>(workerdBinary, ['serve', configFile, '--verbose', ...inspector], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-64 * 1024);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://${host}:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await close();
      throw new Error(`workerd exited with ${child.exitCode} before answering:\n${log}`);
    }
    try {
      const res = await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) break;
      if (res.status === 500) {
        await close();
        throw new Error(`the edge API did not start: ${await res.text()}\n${log}`);
      }
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('the edge API')) throw err;
    }
    if (Date.now() > deadline) {
      await close();
      throw new Error(`workerd did not answer ${readyPath} within ${readyTimeoutMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, process: child, output: () => log, close };
}
