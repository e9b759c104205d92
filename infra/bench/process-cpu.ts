import { readdirSync, readFileSync } from 'node:fs';

/** Linux clock ticks per second (`getconf CLK_TCK`; 100 on every Linux this runs on). */
const TICKS_PER_SEC = 100;

/** CPU seconds (user + system) a process has used so far; 0 when it is gone. Linux /proc only. */
export function processCpuSec(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so split after its closing paren):
    // utime and stime are the 14th and 15th fields of the line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC;
  } catch {
    return 0;
  }
}

/** Pids of the processes whose command name (`/proc/<pid>/comm`) is `name`. */
export function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      // exited while listing
    }
  }
  return pids;
}

/**
 * CPU seconds used by groups of processes over a stretch of work: call the returned function
 * when it is over. Groups are pids or command names (all processes of that name, e.g. every
 * Postgres backend); `self` is this process. Processes that exit meanwhile lose their share, so
 * name long-lived ones (a server and its pooled connections).
 */
export function cpuMeter(groups: Record<string, number[] | string | 'self'>): () => Record<string, number> {
  const resolve = (g: number[] | string) => (typeof g === 'string' ? pidsNamed(g) : g);
  const pidsOf = Object.fromEntries(
    Object.entries(groups).map(([k, g]) => [k, g === 'self' ? [] : resolve(g)]),
  ) as Record<string, number[]>;
  const self = process.cpuUsage();
  const start = Object.fromEntries(
    Object.entries(pidsOf).map(([k, pids]) => [k, new Map(pids.map((p) => [p, processCpuSec(p)]))]),
  ) as Record<string, Map<number, number>>;
  return () => {
    const out: Record<string, number> = {};
    for (const [k, g] of Object.entries(groups)) {
      if (g === 'self') {
        const u = process.cpuUsage(self);
        out[k] = (u.user + u.system) / 1e6;
        continue;
      }
      // Processes started meanwhile (a new backend) count from zero.
      let sum = 0;
      for (const pid of new Set([...start[k]!.keys(), ...resolve(g)])) {
        const now = processCpuSec(pid);
        // A process that exited meanwhile reads 0: its share is lost, not subtracted.
        if (now > 0) sum += Math.max(0, now - (start[k]!.get(pid) ?? 0));
      }
      out[k] = sum;
    }
    return out;
  };
}
