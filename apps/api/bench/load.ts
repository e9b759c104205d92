import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/** One autocannon run: mean req/s, latency percentiles (ms) and the request count. */
export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  total: number;
}

const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/**
 * Drives `url` with autocannon in a child process (its own CPU budget and event loop), so the
 * bench measures the server rather than a load generator sharing the server's thread. Rejects on
 * any non-2xx response or socket error: a fast error page is not a result.
 */
export function runLoad(
  url: string,
  options: { connections: number; durationSec: number; headers?: Record<string, string> },
): Promise<LoadResult> {
  const args = [autocannonBin, '--json', '--no-progress', '-c', String(options.connections)];
  args.push('-d', String(options.durationSec));
  for (const [k, v] of Object.entries(options.headers ?? {})) args.push('-H', `${k}=${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    // Plain node (no tsx, no --cpu-prof inherited): the child is only the load generator.
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err.trim()}`));
      const r = JSON.parse(out) as {
        requests: { average: number; total: number };
        latency: { p50: number; p99: number };
        non2xx: number;
        errors: number;
      };
      if (r.non2xx > 0 || r.errors > 0)
        return reject(new Error(`${url}: ${r.non2xx} non-2xx responses, ${r.errors} errors`));
      resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total });
    });
  });
}
