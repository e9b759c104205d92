import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { StartupError } from '../config';
import { freePort, isPortOpen } from './free-port';
import { aptInstall, canAptInstall, which } from './system-packages';

export interface LocalRedis {
  url: string;
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'Install it with "sudo apt-get install redis-server" (Debian/Ubuntu) or "brew install redis" (macOS), or set REDIS_URL to an existing Redis.';

/**
 * Finds `redis-server`; when it is missing and we are root on Debian/Ubuntu, installs it with apt.
 * Otherwise throws a StartupError that says exactly how to install it.
 */
export function ensureRedisBinary(path: string, log: (m: string) => void = () => {}): string {
  const found = which('redis-server', path);
  if (found) return found;
  if (canAptInstall(path)) {
    aptInstall(['redis-server'], log);
    const installed = which('redis-server', path);
    if (installed) return installed;
  }
  throw new StartupError(`redis-server is not installed. ${INSTALL_HINT}`);
}

/**
 * Starts `redis-server` on a free port with its data under `dir`, configured as BullMQ requires
 * (`maxmemory-policy noeviction`) and with an append-only file so queued jobs survive a restart.
 */
export async function startLocalRedis(
  dir: string,
  options: { path: string; log?: (m: string) => void },
): Promise<LocalRedis> {
  const bin = ensureRedisBinary(options.path, options.log);
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(
    bin,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--maxmemory-policy',
      'noeviction',
      '--appendonly',
      'yes',
      '--save',
      '',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const deadline = Date.now() + 10_000;
  while (!(await isPortOpen(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new StartupError(
        `redis-server did not start (${stderr.trim() || 'no output'}). Set REDIS_URL to an existing Redis.`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
