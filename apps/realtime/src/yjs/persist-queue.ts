import type { Sql } from '@clapboard/server/db';
import { appendUpdateRows } from '@clapboard/server/documents';
import type { Logger } from '@clapboard/server/logger';
import type { RealtimeStats } from './realtime-stats';

export interface PersistQueueOptions {
  sql: Sql;
  log: Logger;
  stats: RealtimeStats;
  /** How long the first update of a batch waits for company before the insert (ms); default 10. */
  batchDelayMs?: number;
  /**
   * Called after each committed batch, per document: the updates committed (stored now, by this
   * insert or earlier by another writer) and the ids of the rows this insert added.
   */
  onPersisted?: (committed: Map<string, CommittedUpdates>) => void;
  /** Metrics: accepted-to-committed time of each update of a committed batch (ms). */
  onDurable?: (ms: number) => void;
}

/** One document's part of a committed batch. */
export interface CommittedUpdates {
  updates: Uint8Array[];
  /** Rows this batch inserted (an update someone had already stored adds none). */
  rowIds: number[];
}

interface Pending {
  docId: string;
  update: Uint8Array;
  acceptedAt: number;
}

/**
 * Writes accepted updates to `doc_updates`. Updates arriving within `batchDelayMs` of each other
 * go in one multi-row insert, across documents: with many busy documents that is one commit per
 * window instead of one per document, which is what keeps Postgres (and our tail latency) calm.
 * One batch is in flight at a time. A failed insert puts its updates back at the head of the queue
 * and retries with backoff (up to 2 s), so a Postgres blip delays durability but loses nothing while
 * the process lives; clients still hold every edit if it dies.
 */
/** Accept-to-commit samples kept for percentiles (a ring; older ones are overwritten). */
const LATENCY_WINDOW = 20_000;
/** The most updates one insert carries. */
const MAX_BATCH = 5_000;

export interface PersistLatency {
  /** Samples in the window. */
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export class PersistQueue {
  private pending: Pending[] = [];
  private readonly latencies = new Float64Array(LATENCY_WINDOW);
  private latencyCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;
  private failures = 0;
  private readonly delayMs: number;

  constructor(private readonly options: PersistQueueOptions) {
    this.delayMs = options.batchDelayMs ?? 10;
  }

  /**
   * Accept-to-committed time of the most recent updates (up to 20 000), in ms: how long an update
   * the server accepted waited before it was durable in Postgres.
   */
  persistLatency(): PersistLatency {
    const n = Math.min(this.latencyCount, LATENCY_WINDOW);
    const sorted = Array.from(this.latencies.subarray(0, n)).sort((a, b) => a - b);
    const at = (q: number) => Math.round((sorted[Math.min(n - 1, Math.floor(q * n))] ?? 0) * 10) / 10;
    return { count: n, p50: at(0.5), p99: at(0.99), max: at(1) };
  }

  /** Updates accepted but not yet committed. */
  get size(): number {
    return this.pending.length;
  }

  /** Queues an update; it is committed within about `batchDelayMs` plus one insert. */
  push(docId: string, update: Uint8Array): void {
    this.pending.push({ docId, update, acceptedAt: performance.now() });
    this.schedule(this.delayMs);
  }

  /** Resolves when everything queued so far is committed (retrying as needed). */
  async drain(): Promise<void> {
    while (this.pending.length > 0 || this.inflight) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      await (this.inflight ?? this.flush());
    }
  }

  private schedule(delay: number): void {
    if (this.timer || this.inflight) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
  }

  private flush(): Promise<void> {
    if (this.inflight) return this.inflight;
    if (this.pending.length === 0) return Promise.resolve();
    // One insert carries at most MAX_BATCH rows (two bind parameters each, far under Postgres's
    // 65 535); a backlog after an outage drains in several inserts, oldest first.
    const batch = this.pending.splice(0, MAX_BATCH);
    const { sql, log, stats } = this.options;
    this.inflight = appendUpdateRows(sql, batch).then(
      (inserted) => {
        const now = performance.now();
        this.failures = 0;
        stats.updatesPersisted += batch.length;
        stats.updatesAlreadyStored += batch.length - inserted.length;
        stats.persistBatches++;
        stats.maxPersistLatencyMs = Math.max(stats.maxPersistLatencyMs, now - batch[0]!.acceptedAt);
        for (const p of batch) this.latencies[this.latencyCount++ % LATENCY_WINDOW] = now - p.acceptedAt;
        if (this.options.onDurable) for (const p of batch) this.options.onDurable(now - p.acceptedAt);
        this.inflight = undefined;
        const committed = new Map<string, CommittedUpdates>();
        const of = (docId: string) => {
          const entry = committed.get(docId) ?? { updates: [], rowIds: [] };
          committed.set(docId, entry);
          return entry;
        };
        for (const p of batch) of(p.docId).updates.push(p.update);
        for (const row of inserted) of(row.docId).rowIds.push(row.id);
        this.options.onPersisted?.(committed);
        // Whatever queued during the insert has already waited; write it now.
        if (this.pending.length > 0) this.schedule(0);
      },
      (err: unknown) => {
        this.failures++;
        stats.persistErrors++;
        log.error({ err, updates: batch.length, attempt: this.failures }, 'persisting updates failed');
        this.pending.unshift(...batch);
        this.inflight = undefined;
        this.schedule(Math.min(2_000, 50 * 2 ** this.failures));
      },
    );
    return this.inflight;
  }

  /** Stops the retry timer (after `drain`, nothing is left to write). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
