/**
 * One client driver of `bench:collab`, in a process of its own: it holds a share of the row's
 * clients (every client of a document in the same driver, so a keystroke's send and its remote
 * applies are timed on one clock), connects them, types on command and reports what it measured.
 * Several drivers keep the load generator from being one saturated event loop, which at 1,000
 * clients made every server's latency the driver's own queueing.
 *
 * Protocol (IPC, `serialization: 'advanced'`), parent → driver, each answered once:
 * - `{ type: 'connect', clients: {url, hocuspocusDoc?}[], syncTimeoutMs }` → `{ type: 'synced' }` or `{ type: 'failed', message }`
 * - `{ type: 'type', intervalMs }` (start typing; not answered)
 * - `{ type: 'measure' }` (start the measured window; not answered)
 * - `{ type: 'stop' }` → `{ type: 'result', ...DriverResult }`
 * Disconnecting the IPC channel closes every client and exits.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { waitFor } from '@clapboard/server/testing';
import { BenchClient } from './collab-client';

export interface DriverClient {
  url: string;
  hocuspocusDoc?: string;
}

export type DriverCommand =
  | { type: 'connect'; clients: DriverClient[]; syncTimeoutMs: number }
  | { type: 'type'; intervalMs: number }
  | { type: 'measure' }
  | { type: 'stop' };

export interface DriverResult {
  /** Send → remote apply of every measured edit, per receiving client (ms). */
  latencies: Float64Array;
  /** The measured edits: `client:clock` and its send time in epoch ms (for the durability probe). */
  sent: Array<[string, number]>;
  /** Length of the measured window on this driver (s). */
  elapsed: number;
  /** This process's event-loop delay over the window, beyond the sampling timer (ms). */
  lagP99: number;
  lagMax: number;
  /** CPU seconds (user + system) this process used in the window. */
  cpuSec: number;
}

export type DriverReply =
  | { type: 'synced' }
  | { type: 'failed'; message: string }
  | ({ type: 'result' } & DriverResult);

/** Sampling timer of the event-loop delay monitor; its samples include this interval, so it is subtracted. */
export const LAG_RESOLUTION_MS = 10;
/** Clients connected before waiting for them to sync (so a slow server is not hit by all at once). */
const CONNECT_BATCH = 50;

const clients: BenchClient[] = [];
const timers: NodeJS.Timeout[] = [];
const sentAt = new Map<string, number>();
const measured: Array<[string, number]> = [];
const latencies: number[] = [];
const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
let measuring = false;
let windowStart = 0;
let cpuStart = process.cpuUsage();

const reply = (message: DriverReply) => process.send!(message);
const cpuSince = (start: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
};

async function connect(list: DriverClient[], syncTimeoutMs: number): Promise<void> {
  const synced = () =>
    waitFor(() => clients.every((c) => c.synced), syncTimeoutMs, 'clients synced', 20).catch(() => {
      const n = clients.filter((c) => c.synced).length;
      throw new Error(
        `${n} of ${clients.length} clients synced within ${syncTimeoutMs} ms (of ${list.length})`,
      );
    });
  for (const [i, c] of list.entries()) {
    clients.push(
      new BenchClient({
        ...c,
        onRemoteUpdate(client, clock) {
          const t = sentAt.get(`${client}:${clock}`);
          if (t !== undefined && measuring) latencies.push(performance.now() - t);
        },
      }),
    );
    if (i % CONNECT_BATCH === CONNECT_BATCH - 1) await synced();
  }
  await synced();
}

function startTyping(intervalMs: number): void {
  for (const c of clients)
    timers.push(
      setInterval(
        () => {
          const { client, clock } = c.type();
          const key = `${client}:${clock}`;
          const now = performance.now();
          sentAt.set(key, now);
          if (measuring) measured.push([key, performance.timeOrigin + now]);
        },
        intervalMs * (0.8 + Math.random() * 0.4),
      ),
    );
}

process.on('message', (command: DriverCommand) => {
  switch (command.type) {
    case 'connect':
      connect(command.clients, command.syncTimeoutMs).then(
        () => reply({ type: 'synced' }),
        (err: unknown) =>
          reply({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
      );
      return;
    case 'type':
      startTyping(command.intervalMs);
      return;
    case 'measure':
      measuring = true;
      lag.enable();
      windowStart = performance.now();
      cpuStart = process.cpuUsage();
      return;
    case 'stop': {
      const elapsed = (performance.now() - windowStart) / 1000;
      const cpuSec = cpuSince(cpuStart);
      measuring = false;
      lag.disable();
      for (const t of timers) clearInterval(t);
      reply({
        type: 'result',
        latencies: Float64Array.from(latencies),
        sent: measured,
        elapsed,
        lagP99: Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS),
        lagMax: Math.max(0, lag.max / 1e6 - LAG_RESOLUTION_MS),
        cpuSec,
      });
      return;
    }
  }
});

process.on('disconnect', () => {
  for (const t of timers) clearInterval(t);
  for (const c of clients) c.close();
  process.exit(0);
});
