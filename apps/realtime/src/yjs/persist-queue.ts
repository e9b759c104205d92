import type { Sql } from '@clapboard/server/db';
import { appendUpdates } from '@clapboard/server/documents';
import type { Logger } from '@clapboard/server/logger';
import type { RealtimeStats } from './realtime-stats';

export interface PersistQueueOptions {
  sql: Sql;
  docId: string;
  log: Logger;
  stats: RealtimeStats;
  /** How long the first update of a batch waits for company before the insert (ms); default 10. */
  batchDelayMs?: number;
  /** Called after each committed batch with the number of rows written. */
  onPersisted?: (count: number) => void;
}

interface Pending {
  update: Uint8Array;
  acceptedAt: number;
}

/**
 * Writes one document's accepted updates to `doc_updates`: updates arriving within `batchDelayMs`
 * of each other go in one multi-row insert, one batch in flight at a time. A failed insert keeps its
 * updates at the head of the queue and retries with backoff (up to 2 s), so a Postgres blip delays
 * durability but loses nothing while the process lives; clients still hold every edit if it dies.
 */
export class PersistQueue {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> | undefined;
  private failures = 0;
  private readonly delayMs: number;

  constructor(private readonly options: PersistQueueOptions) {
    this.delayMs = options.batchDelayMs ?? 10;
  }

  /** Number of updates accepted but not yet committed. */
  get size(): number {
    return this.pending.length;
  }

  /** Queues an update; it is committed within about `batchDelayMs` plus one insert. */
  push(update: Uint8Array): void {
    this.pending.push({ update, acceptedAt: performance.now() });
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
    const batch = this.pending;
    this.pending = [];
    const { sql, docId, log, stats } = this.options;
    this.inflight = appendUpdates(
      sql,
      docId,
      batch.map((p) => p.update),
    ).then(
      () => {
        const now = performance.now();
        this.failures = 0;
        stats.updatesPersisted += batch.length;
        stats.persistBatches++;
        stats.maxPersistLatencyMs = Math.max(stats.maxPersistLatencyMs, now - batch[0]!.acceptedAt);
        this.inflight = undefined;
        this.options.onPersisted?.(batch.length);
        if (this.pending.length > 0) this.schedule(0);
      },
      (err: unknown) => {
        this.failures++;
        stats.persistErrors++;
        log.error({ err, docId, updates: batch.length, attempt: this.failures }, 'persisting updates failed');
        this.pending = [...batch, ...this.pending];
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
