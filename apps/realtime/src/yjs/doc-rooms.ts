import type { Sql } from '@clapboard/server/db';
import { decodeDocChannelMessage, docChannel } from '@clapboard/server/documents';
import type { Logger } from '@clapboard/server/logger';
import type { Redis } from '@clapboard/server/redis';
import { DocRoom, type DocRoomDeps, HERE_EVERY_MS } from './doc-room';
import { PersistQueue } from './persist-queue';
import type { RealtimeStats } from './realtime-stats';

export interface DocRoomsOptions {
  sql: Sql;
  redis: Redis;
  log: Logger;
  stats: RealtimeStats;
  instanceId: string;
  /** Keep an unused document in memory this long after its last client leaves (ms); default 5000. */
  idleMs?: number;
  /** Compact documents with unfolded updates this often (ms); default 30 000. */
  compactIntervalMs?: number;
  batchDelayMs?: number;
  compactAfterUpdates?: number;
  /** See DocRoomDeps.syncAnswerWaitMs. */
  syncAnswerWaitMs?: number;
  /** How often rooms shared with other instances say `here` (ms); default HERE_EVERY_MS. */
  hereEveryMs?: number;
  /** Called with each document id whose updates were just committed (after the batch). */
  onPersisted?: (docId: string) => void;
  /** Metrics: accepted-to-committed time of each persisted update (ms). */
  onDurable?: (ms: number) => void;
}

const CHANNEL_PREFIX = docChannel('');
/**
 * How long closing waits for pending writes: inside the shutdown timeout the realtime main gives
 * itself (25 s) and Kubernetes' 30 s grace (infra/k8s/realtime.yaml), so a backlog has time to land.
 */
export const CLOSE_DRAIN_MS = 20_000;

/**
 * The documents this instance holds, opened on first connection and closed when idle. Owns the one
 * Redis subscriber connection and the one publisher connection of document channels: a document's channel is subscribed before it loads and unsubscribed
 * after it closes, and messages published by this instance are dropped by origin id.
 */
export class DocRooms {
  private readonly rooms = new Map<string, DocRoom>();
  private readonly opening = new Map<string, Promise<DocRoom>>();
  private readonly closing = new Map<string, Promise<void>>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  private readonly subscriber: Redis;
  /** Publishes every document's channel messages, pipelined (see the constructor). */
  private readonly publisher: Redis;
  private readonly compactTimer: NodeJS.Timeout;
  private readonly hereTimer: NodeJS.Timeout;
  private readonly roomDeps: DocRoomDeps;
  /** The instance's write queue, shared by every document. */
  readonly persist: PersistQueue;
  private ready = false;

  constructor(private readonly options: DocRoomsOptions) {
    this.persist = new PersistQueue({
      sql: options.sql,
      log: options.log,
      stats: options.stats,
      batchDelayMs: options.batchDelayMs,
      onDurable: options.onDurable,
      onPersisted: (committed) => {
        for (const [docId, { updates, rowIds }] of committed) {
          this.rooms.get(docId)?.onPersisted(updates, rowIds);
          options.onPersisted?.(docId);
        }
      },
    });
    // One connection for document channel messages, with ioredis auto-pipelining: every PUBLISH of
    // one event-loop turn leaves in one write. Profiling bench:collab (500 clients, one instance)
    // showed one socket write per accepted edit, ~19 % of the server's busy time.
    this.publisher = options.redis.duplicate({ enableAutoPipelining: true });
    this.publisher.on('error', (err) => options.log.warn({ err }, 'document publisher error'));
    this.roomDeps = {
      sql: options.sql,
      redis: this.publisher,
      log: options.log,
      stats: options.stats,
      instanceId: options.instanceId,
      persist: this.persist,
      compactAfterUpdates: options.compactAfterUpdates,
      syncAnswerWaitMs: options.syncAnswerWaitMs,
    };
    this.subscriber = options.redis.duplicate();
    this.subscriber.on('error', (err) => options.log.warn({ err }, 'document subscriber error'));
    this.subscriber.on('messageBuffer', (channel: Buffer, data: Buffer) => {
      const docId = channel.toString().slice(CHANNEL_PREFIX.length);
      const room = this.rooms.get(docId) ?? this.openingRooms.get(docId);
      if (!room) return;
      const message = decodeDocChannelMessage(data);
      if (!message || message.origin === options.instanceId) return;
      room.onChannelMessage(message);
    });
    this.subscriber.on('ready', () => {
      // After a Redis outage, pub/sub messages are gone: ask the other instances for what we missed.
      if (this.ready) for (const room of this.rooms.values()) room.requestSync();
      this.ready = true;
    });
    this.compactTimer = setInterval(() => {
      for (const room of this.rooms.values()) void room.compact();
    }, options.compactIntervalMs ?? 30_000);
    this.compactTimer.unref();
    // Keeps the instances sharing a document publishing to each other (DocRoom.publishing).
    this.hereTimer = setInterval(() => {
      for (const room of this.rooms.values()) room.heartbeat();
    }, options.hereEveryMs ?? HERE_EVERY_MS);
    this.hereTimer.unref();
  }

  private readonly openingRooms = new Map<string, DocRoom>();

  /** Documents in memory. */
  get size(): number {
    return this.rooms.size;
  }

  /** Connections across all documents. */
  get connections(): number {
    let n = 0;
    for (const room of this.rooms.values()) n += room.conns.size;
    return n;
  }

  /** Updates accepted but not yet committed, across documents. */
  get pendingWrites(): number {
    return this.persist.size;
  }

  /** The open room of a document, if this instance holds it. */
  get(docId: string): DocRoom | undefined {
    return this.rooms.get(docId);
  }

  /** Opens (or reuses) a document's room. Throws when Postgres or Redis fail while opening. */
  async acquire(docId: string): Promise<DocRoom> {
    const idle = this.idleTimers.get(docId);
    if (idle) {
      clearTimeout(idle);
      this.idleTimers.delete(docId);
    }
    const open = this.rooms.get(docId);
    if (open) return open;
    const pending = this.opening.get(docId);
    if (pending) return pending;
    const promise = this.open(docId).finally(() => this.opening.delete(docId));
    this.opening.set(docId, promise);
    return promise;
  }

  private async open(docId: string): Promise<DocRoom> {
    // A room still closing must finish writing before a new one loads from Postgres.
    await this.closing.get(docId);
    const room = new DocRoom(docId, this.roomDeps);
    this.openingRooms.set(docId, room);
    try {
      await this.subscriber.subscribe(docChannel(docId));
      await room.load();
    } catch (err) {
      this.openingRooms.delete(docId);
      await this.subscriber.unsubscribe(docChannel(docId)).catch(() => {});
      room.doc.destroy();
      throw err;
    }
    this.openingRooms.delete(docId);
    this.rooms.set(docId, room);
    return room;
  }

  /** Called when a connection leaves: an empty room is closed after the idle delay. */
  release(room: DocRoom): void {
    if (room.conns.size > 0 || this.rooms.get(room.docId) !== room || this.idleTimers.has(room.docId)) return;
    const timer = setTimeout(() => {
      this.idleTimers.delete(room.docId);
      if (room.conns.size === 0) void this.close(room);
    }, this.options.idleMs ?? 5_000);
    timer.unref();
    this.idleTimers.set(room.docId, timer);
  }

  private close(room: DocRoom): Promise<void> {
    this.rooms.delete(room.docId);
    const done = (async () => {
      await this.subscriber.unsubscribe(docChannel(room.docId)).catch(() => {});
      await room.destroy();
    })()
      .catch((err: unknown) =>
        this.options.log.error({ err, docId: room.docId }, 'closing a document failed'),
      )
      .finally(() => this.closing.delete(room.docId));
    this.closing.set(room.docId, done);
    return done;
  }

  /** Every open room (for membership changes and shutdown). */
  all(): IterableIterator<DocRoom> {
    return this.rooms.values();
  }

  /**
   * Flushes every document's pending writes (waiting at most `timeoutMs`) and disconnects from Redis.
   * Connections must already be closed. What is still unwritten after `timeoutMs` is dropped and
   * logged as an error; its editors hold it and send it again when they reconnect to another instance.
   */
  async closeAll(timeoutMs = CLOSE_DRAIN_MS): Promise<void> {
    clearInterval(this.compactTimer);
    clearInterval(this.hereTimer);
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    await Promise.all([...this.opening.values()].map((p) => p.catch(() => undefined)));
    const work = Promise.all(
      [...this.rooms.values()].map((room) => this.close(room)).concat([...this.closing.values()]),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([work, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    if (this.persist.size > 0)
      this.options.log.error(
        { updates: this.persist.size, timeoutMs },
        'shutting down with updates not yet written; their editors send them again when they reconnect',
      );
    this.persist.dispose();
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}
