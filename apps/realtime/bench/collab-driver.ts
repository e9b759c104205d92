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
 * - `{ type: 'stop', graceMs }` → `{ type: 'result', ...DriverResult }` after the grace
 * Disconnecting the IPC channel closes every client and exits.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { waitFor } from '@clapboard/server/testing';
import { BenchClient } from './collab-client';

export interface DriverClient {
  url: string;
  hocuspocusDoc?: string;
  /** The document the client edits (its other clients are the receivers of its edits). */
  doc: string;
}

export type DriverCommand =
  | { type: 'connect'; clients: DriverClient[]; syncTimeoutMs: number }
  | { type: 'type'; intervalMs: number }
  | { type: 'measure' }
  /** Stops typing, keeps counting deliveries of the measured edits for `graceMs`, then answers. */
  | { type: 'stop'; graceMs: number };

export interface DriverResult {
  /**
   * Send → remote apply of every edit sent in the measured window, per receiving client (ms),
   * delivered by the end of the window plus the grace.
   */
  latencies: Float64Array;
  /** (edit, receiver) pairs of those edits not delivered by then: an overloaded row's backlog. */
  undelivered: number;
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
/** Edits sent in the measured window, and how many receivers applied each so far. */
const deliveries = new Map<string, number>();
const latencies: number[] = [];
/** Clients per document, so an edit's expected receivers are its document's other clients. */
const docSize = new Map<string, number>();
const docOf = new Map<number, string>();
let clientList: DriverClient[] = [];
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
  clientList = list;
  for (const c of list) docSize.set(c.doc, (docSize.get(c.doc) ?? 0) + 1);
  for (const [i, c] of list.entries()) {
    clients.push(
      new BenchClient({
        ...c,
        onRemoteUpdate(client, clock) {
          const key = `${client}:${clock}`;
          const got = deliveries.get(key);
          if (got === undefined) return; // not sent in the measured window
          deliveries.set(key, got + 1);
          latencies.push(performance.now() - sentAt.get(key)!);
        },
      }),
    );
    if (i % CONNECT_BATCH === CONNECT_BATCH - 1) await synced();
  }
  await synced();
}

function startTyping(intervalMs: number, list: DriverClient[]): void {
  for (const [i, c] of clients.entries())
    timers.push(
      setInterval(
        () => {
          const { client, clock } = c.type();
          const key = `${client}:${clock}`;
          const now = performance.now();
          sentAt.set(key, now);
          docOf.set(client, list[i]!.doc);
          if (measuring) {
            measured.push([key, performance.timeOrigin + now]);
            deliveries.set(key, 0);
          }
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
      startTyping(command.intervalMs, clientList);
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
      // Deliveries of the window's edits still count during the grace; what is missing after it
      // is reported, so an overloaded row cannot look fast by counting only what got through.
      setTimeout(() => {
        let undelivered = 0;
        for (const [key, got] of deliveries) {
          const doc = docOf.get(Number(key.slice(0, key.indexOf(':'))));
          undelivered += Math.max(0, (docSize.get(doc!) ?? 1) - 1 - got);
        }
        deliveries.clear();
        reply({
          type: 'result',
          latencies: Float64Array.from(latencies),
          undelivered,
          sent: measured,
          elapsed,
          lagP99: Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS),
          lagMax: Math.max(0, lag.max / 1e6 - LAG_RESOLUTION_MS),
          cpuSec,
        });
      }, command.graceMs);
      return;
    }
  }
});

process.on('disconnect', () => {
  for (const t of timers) clearInterval(t);
  for (const c of clients) c.close();
  process.exit(0);
});
