import { cancelChannel } from '@clapboard/server/jobs';
import type { Logger } from '@clapboard/server/logger';
import type { Redis } from 'ioredis';

/** Cancel reason carried by the AbortSignal, so a step can tell cancel from timeout. */
export const CANCELLED = 'cancelled';

/**
 * Listens on the cancel channel and aborts every running step of a cancelled job on this worker.
 * Steps register their AbortController while they run.
 */
export class CancelRegistry {
  private readonly running = new Map<string, Set<AbortController>>();
  private subscriber: Redis | undefined;

  constructor(private readonly log: Logger) {}

  /** Subscribes on a duplicate connection (a subscribed client can do nothing else). */
  async start(redis: Redis, prefix?: string): Promise<void> {
    const sub = redis.duplicate();
    this.subscriber = sub;
    sub.on('message', (_channel: string, jobId: string) => this.cancel(jobId));
    await sub.subscribe(cancelChannel(prefix));
  }

  register(jobId: string, controller: AbortController): () => void {
    const set = this.running.get(jobId) ?? new Set<AbortController>();
    this.running.set(jobId, set);
    set.add(controller);
    return () => {
      set.delete(controller);
      if (set.size === 0) this.running.delete(jobId);
    };
  }

  /** Aborts this worker's running steps of `jobId`; returns how many. */
  cancel(jobId: string): number {
    const set = this.running.get(jobId);
    if (!set) return 0;
    this.log.info({ jobId, steps: set.size }, 'cancelling running steps');
    for (const c of set) c.abort(CANCELLED);
    return set.size;
  }

  /** Aborts everything (worker shutdown); those steps are handed back to the queue. */
  abortAll(reason: string): void {
    for (const set of this.running.values()) for (const c of set) c.abort(reason);
  }

  async stop(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
