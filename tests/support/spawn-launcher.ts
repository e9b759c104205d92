import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface Launched {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when `pattern` appears in the output, rejects at the deadline or on exit. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code once the process has exited. */
  exited(): Promise<number | null>;
}

/** Runs `npm start`'s launcher (infra/local/start.ts) with the given environment. */
export function spawnLauncher(env: NodeJS.ProcessEnv): Launched {
  // Exactly what `npm start` runs: node --import tsx, one process that receives the signal itself.
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'infra/local/start.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    output: () => out,
    exited: () => exit,
    async waitFor(pattern, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = out.match(pattern);
        if (m) return m;
        if (child.exitCode !== null)
          throw new Error(`launcher exited (${child.exitCode}) before ${pattern}:\n${out}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/** The environment minus the variables the launcher reads, so each test sets exactly what it means. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of [
    'DATABASE_URL',
    'REDIS_URL',
    'JWT_SECRET',
    'DATA_DIR',
    'API_PORT',
    'REALTIME_PORT',
    'WORKER_PORT',
    'PUBLIC_URL',
    'WEB_DIST',
  ])
    delete env[k];
  return env;
}
