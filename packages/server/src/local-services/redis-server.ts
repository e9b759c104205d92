import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { StartupError } from '../config';
import { freePort } from './free-port';
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
      'notice',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  // Started when it says so (its "Ready to accept connections" line), or failed when it exits:
  // events, not a poll of the port.
  await new Promise<void>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new StartupError(`redis-server did not start (${why}). Set REDIS_URL to an existing Redis.`));
    };
    const timer = setTimeout(() => fail(output.trim().slice(-500) || 'no output within 10 s'), 10_000);
    const onData = (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
      if (/Ready to accept connections/.test(output)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = () => fail(output.trim().slice(-500) || 'it exited without output');
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', (err) => fail(err.message));
  });
  // Keep draining its log so a full pipe never blocks it.
  child.stdout?.removeAllListeners('data').resume();
  child.stderr?.removeAllListeners('data').resume();
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
