import { migrateSceneLayout } from '@clapboard/screenplay';
import type { Sql } from '@clapboard/server/db';
import {
  compactDocument,
  compactLiveDocument,
  DOC_CHANNEL_MESSAGE,
  DOCUMENT_MERGE_DEFAULTS,
  type DocChannelMessage,
  docChannel,
  encodeDocChannelMessage,
  loadDocumentState,
  mergeDocumentStateOffThread,
  STORED_HASH_BYTES,
  updateHash,
} from '@clapboard/server/documents';
import type { Logger } from '@clapboard/server/logger';
import type { Redis } from '@clapboard/server/redis';
import { AWARENESS_LIMITS, DOC_LIMITS } from '@clapboard/shared/document';
import { can } from '@clapboard/shared/permissions';
import { CLOSE_CODES, YJS_MESSAGE } from '@clapboard/shared/protocol';
import type { Role } from '@clapboard/shared/roles';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { COMPACT_AFTER_UPDATES_DEFAULT } from '../env';
import { type AwarenessEntry, decodeAwarenessEntries, encodeAwarenessEntries } from './awareness-guard';
import type { DocConn } from './doc-conn';
import type { PersistQueue } from './persist-queue';
import type { RealtimeStats } from './realtime-stats';
import { sendMessage } from './send-message';

/** Transaction origin of changes that came from another instance (or the API) over Redis. */
export const REMOTE_ORIGIN = Symbol('remote');

/** Transaction origin of the load-time scene layout migration (persisted and published). */
const MIGRATION_ORIGIN = Symbol('migration');

/** A message the client sent that we cannot decode; the connection is closed with a named code. */
export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError';
}

export interface DocRoomDeps {
  sql: Sql;
  /** Publishing connection (not in subscriber mode). */
  redis: Redis;
  log: Logger;
  stats: RealtimeStats;
  /** This instance's id, stamped on everything it publishes. */
  instanceId: string;
  /** The instance's write queue (shared by all documents). */
  persist: PersistQueue;
  /** Compact after this many persisted updates; default 500. */
  compactAfterUpdates?: number;
  /**
   * How long a relayed update waits for its accepting instance's `stored` confirmation before this
   * instance writes it itself (ms); default RELAY_STORE_GRACE_MS.
   */
  relayStoreGraceMs?: number;
  /** How long after a sync request updates are published before any answer (ms); default SYNC_ANSWER_WAIT_MS. */
  syncAnswerWaitMs?: number;
}

/**
 * Default wait for a relayed update's `stored` confirmation. Far above an accepting instance's
 * accept → commit time (p99 tens of ms under load), so in normal operation one instance writes each
 * update; only when the accepting instance died before its commit does another write it.
 */
export const RELAY_STORE_GRACE_MS = 500;
/**
 * After this long without a word from another instance on a document, this instance considers
 * itself alone with it: it stops publishing the document's updates, presence and commit
 * confirmations (nobody would listen). Far above HERE_EVERY_MS, so lost heartbeats do not matter.
 */
const OTHERS_QUIET_MS = 5 * 60_000;
/** How often an instance that shares a document says `here` on its channel (see DocRooms). */
export const HERE_EVERY_MS = 30_000;
/** At most one repair (a sync request for changes a lost message carried) per this long. */
const REPAIR_EVERY_MS = 1_000;
/**
 * After a sync request, publish everything for this long even while alone: an instance that just
 * opened a document does not know yet whether another holds it, and must not keep its first edits
 * to itself while the answer is on its way.
 */
export const SYNC_ANSWER_WAIT_MS = 2_000;

const EMPTY_UPDATE_BYTES = 2;

/**
 * One document held in memory by this instance: the Y.Doc, its awareness, the local connections,
 * and the persistence queue. Changes from local writers are applied, broadcast to local clients,
 * published on the document's Redis channel and queued for Postgres. Changes from Redis are applied,
 * broadcast and held: the accepting instance confirms each update it commits (a `stored` message
 * with its hash), and a held copy is dropped on confirmation or written here after the grace period
 * (byte for byte as received; storage is idempotent per document and SHA-256, so a late copy adds no
 * row). An edit relayed here is thus kept even when the instance that accepted it dies before its
 * commit, while in normal operation each update is written once.
 */
export class DocRoom {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly conns = new Map<DocConn['ws'], DocConn>();
  /** Estimated stored size (snapshot + rows), checked against DOC_LIMITS.maxDocumentBytes. */
  byteSize = 0;
  private updatesSinceCompaction = 0;
  private compacting: Promise<void> | undefined;
  /**
   * Stored rows whose updates this document holds (loaded, or inserted by this instance after it
   * applied them), ascending: what a compaction from memory may delete.
   */
  private readonly foldableRowIds: number[] = [];
  /**
   * The stored snapshot's version when this instance last read or wrote it (null: none was stored;
   * undefined: unknown). While it holds, the stored snapshot holds nothing this document lacks.
   */
  private snapshotVersion: string | null | undefined;
  private loaded = false;
  private early: DocChannelMessage[] = [];
  /** Set when applying a channel message changed the document (see `onChannelMessage`). */
  private remoteChanged = false;
  /** Relayed updates awaiting their accepting instance's `stored` confirmation, by `updateHash`. */
  private readonly held = new Map<string, { update: Uint8Array; at: number }>();
  private heldTimer: NodeJS.Timeout | undefined;
  /** When another instance (or the API) last said anything about this document. */
  private othersSeenAt = Number.NEGATIVE_INFINITY;
  /** Until when updates are published although nobody has answered yet (see SYNC_ANSWER_WAIT_MS). */
  private awaitingAnswerUntil = Number.NEGATIVE_INFINITY;

  constructor(
    readonly docId: string,
    private readonly deps: DocRoomDeps,
  ) {
    // The server has no presence of its own.
    this.awareness.setLocalState(null);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => this.onDocUpdate(update, origin));
    this.awareness.on(
      'update',
      (changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) =>
        this.onAwarenessUpdate(changes, origin),
    );
  }

  /**
   * Loads the stored state. The caller must have subscribed to the document's channel first, so any
   * change published from now on reaches us; the sync request then asks other instances for what
   * they accepted but may not have committed yet.
   */
  async load(): Promise<void> {
    const { state, storedBytes, pendingUpdates, snapshotVersion, updateIds } = await loadDocumentState(
      this.deps.sql,
      this.docId,
    );
    Y.applyUpdate(this.doc, state, REMOTE_ORIGIN);
    this.byteSize = storedBytes;
    this.updatesSinceCompaction = pendingUpdates;
    this.snapshotVersion = snapshotVersion;
    this.foldableRowIds.push(...updateIds);
    // Scenes stored in the old layout (one Y.Array of maps) move to sceneOrder + sceneData once; a
    // local change, so it is published and persisted like an edit. A no-op on migrated documents.
    if (migrateSceneLayout(this.doc, MIGRATION_ORIGIN))
      this.deps.log.info({ docId: this.docId }, 'migrated scenes to the id-order layout');
    this.loaded = true;
    for (const message of this.early.splice(0)) this.onChannelMessage(message);
    this.requestSync();
  }

  /**
   * Updates of this document committed by this instance (`rowIds`: the rows its insert added):
   * confirmed to the other instances (which then drop their held copies); compacts past the
   * threshold.
   */
  onPersisted(updates: readonly Uint8Array[], rowIds: readonly number[]): void {
    // Every update this instance writes was applied to the document first (edits on accept,
    // relayed ones on receipt; a part waiting for a missing dependency sits in the document's
    // pending structs, which its encoded state includes), so its rows are the document's to fold.
    this.foldableRowIds.push(...rowIds);
    // Confirmed only while another instance holds the document (it has spoken on the channel within
    // OTHERS_QUIET_MS): alone, nobody would listen. An unconfirmed copy elsewhere is written after
    // its grace period, which costs a skipped insert, never an edit.
    if (this.othersHeard()) {
      const hashes = new Uint8Array(updates.length * STORED_HASH_BYTES);
      for (const [i, u] of updates.entries())
        hashes.set(Buffer.from(updateHash(u), 'hex'), i * STORED_HASH_BYTES);
      this.publish(DOC_CHANNEL_MESSAGE.stored, hashes);
    }
    this.updatesSinceCompaction += updates.length;
    if (this.updatesSinceCompaction >= (this.deps.compactAfterUpdates ?? COMPACT_AFTER_UPDATES_DEFAULT))
      void this.compact();
  }

  /** Holds a relayed update until it is confirmed stored, or writes it after the grace period. */
  private holdRelayed(update: Uint8Array): void {
    this.held.set(updateHash(update), { update, at: performance.now() });
    this.scheduleHeld();
  }

  private scheduleHeld(): void {
    if (this.heldTimer || this.held.size === 0) return;
    const grace = this.deps.relayStoreGraceMs ?? RELAY_STORE_GRACE_MS;
    this.heldTimer = setTimeout(() => {
      this.heldTimer = undefined;
      this.storeHeld(performance.now() - grace);
      this.scheduleHeld();
    }, grace / 2);
  }

  /** Writes the held updates received before `before` (all of them when omitted). */
  private storeHeld(before = Number.POSITIVE_INFINITY): void {
    for (const [hash, { update, at }] of this.held) {
      if (at > before) continue;
      this.held.delete(hash);
      this.deps.persist.push(this.docId, update);
      this.deps.stats.relayedUpdatesStored++;
    }
  }

  /** Whether another instance (or the API) has spoken on this document's channel lately. */
  private othersHeard(now = performance.now()): boolean {
    return now - this.othersSeenAt < OTHERS_QUIET_MS;
  }

  /**
   * Whether this document's updates and presence go to Redis: while another instance holds it, or
   * while a sync request waits for its answer. A document held by one instance alone costs no
   * publish per edit (profiling bench:collab at 500 clients: ~5 % of the server's busy time went
   * to waking Redis, plus Redis's own CPU); an instance that opens it later asks (`requestSync`),
   * and both sides then publish, each having filled the other's gap (see `onChannelMessage`).
   */
  get publishing(): boolean {
    const now = performance.now();
    return this.othersHeard(now) || now < this.awaitingAnswerUntil;
  }

  /**
   * Asks other instances for changes we lack (after opening, after Redis reconnects, on hearing
   * from another instance after being alone) and announces that we hold the document.
   */
  requestSync(): void {
    this.awaitingAnswerUntil = performance.now() + (this.deps.syncAnswerWaitMs ?? SYNC_ANSWER_WAIT_MS);
    this.publish(DOC_CHANNEL_MESSAGE.syncRequest, Y.encodeStateVector(this.doc));
  }

  /** Whether a peer's state vector names changes this document does not have. */
  private lacksAnyOf(stateVector: Uint8Array): boolean {
    for (const [client, clock] of Y.decodeStateVector(stateVector))
      if (clock > Y.getState(this.doc.store, client)) return true;
    return false;
  }

  /** Tells the other instances holding this document that we still do (called every HERE_EVERY_MS). */
  heartbeat(): void {
    // With our state vector: another instance that lacks some of it (a lost update) asks for it.
    if (this.loaded && this.othersHeard())
      this.publish(DOC_CHANNEL_MESSAGE.here, Y.encodeStateVector(this.doc));
  }

  private lastRepairAt = Number.NEGATIVE_INFINITY;
  /**
   * Asks the other instances for changes a lost channel message carried (seen as an update that
   * waits for a missing dependency, or a `here` whose state vector is ahead of ours); at most once
   * per REPAIR_EVERY_MS, the answers being diffs against our state vector.
   */
  private repair(now: number): void {
    if (now - this.lastRepairAt < REPAIR_EVERY_MS) return;
    this.lastRepairAt = now;
    this.deps.stats.syncRepairs++;
    this.requestSync();
  }

  /** Adds an authorized connection and starts the sync handshake (server's sync step 1, presence). */
  addConn(conn: DocConn): void {
    this.conns.set(conn.ws, conn);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, YJS_MESSAGE.sync);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    sendMessage(conn.ws, encoding.toUint8Array(encoder));
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) sendMessage(conn.ws, this.awarenessMessage(states));
  }

  /** Removes a connection and the presence it controlled. */
  removeConn(ws: DocConn['ws']): void {
    const conn = this.conns.get(ws);
    if (!conn) return;
    this.conns.delete(ws);
    if (conn.awarenessIds.size > 0)
      awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.awarenessIds], null);
  }

  /**
   * Handles one client message. Throws MalformedMessageError when it cannot be decoded; returns a
   * close code when the message is well-formed but refused (document too large), else null.
   */
  handleMessage(conn: DocConn, data: Uint8Array): number | null {
    try {
      const decoder = decoding.createDecoder(data);
      const type = decoding.readVarUint(decoder);
      switch (type) {
        case YJS_MESSAGE.sync:
          return this.handleSync(conn, decoder);
        case YJS_MESSAGE.awareness:
          // Everyone may show presence, read-only members included, within bounds.
          return this.handleAwareness(conn, decoding.readVarUint8Array(decoder));
        case YJS_MESSAGE.auth:
          // Authorization happens on connect from the ticket; in-band auth messages are ignored.
          return null;
        case YJS_MESSAGE.queryAwareness:
          sendMessage(conn.ws, this.awarenessMessage([...this.awareness.getStates().keys()]));
          return null;
        default:
          throw new MalformedMessageError(`unknown message type ${type}`);
      }
    } catch (err) {
      if (err instanceof MalformedMessageError) throw err;
      throw new MalformedMessageError(err instanceof Error ? err.message : String(err));
    }
  }

  /**
   * Applies the part of a presence update this connection may make: entries for client ids it
   * holds, or new ones up to AWARENESS_LIMITS.maxClientIdsPerConn. The official provider echoes
   * every change it hears back to the server, so an entry for someone else's id that is not newer
   * than what we have is an echo and is skipped quietly; a newer one (an overwrite) or a removal of
   * a present entry (an erase) is refused and counted. What remains must be small and not too
   * frequent, else the connection is closed with awarenessFlood.
   */
  private handleAwareness(conn: DocConn, update: Uint8Array): number | null {
    const states = this.awareness.getStates();
    const own: AwarenessEntry[] = [];
    let claimed = conn.awarenessIds.size;
    let refused = false;
    for (const e of decodeAwarenessEntries(update)) {
      if (conn.awarenessIds.has(e.id)) {
        own.push(e);
        continue;
      }
      const known = this.awareness.meta.get(e.id)?.clock ?? -1;
      const held = states.has(e.id) || [...this.conns.values()].some((c) => c.awarenessIds.has(e.id));
      if (held) {
        if (e.clock > known || (e.clock === known && e.state === 'null')) refused = true;
      } else if (e.clock > known) {
        if (++claimed <= AWARENESS_LIMITS.maxClientIdsPerConn) own.push(e);
        else refused = true;
      }
    }
    if (refused) this.deps.stats.awarenessForeignDropped++;
    if (own.length === 0) return null;
    const bytes = own.reduce((n, e) => n + e.state.length, 0);
    if (bytes > AWARENESS_LIMITS.maxUpdateBytes || !conn.awarenessBudget.take()) {
      this.deps.stats.awarenessFloodClosed++;
      return CLOSE_CODES.awarenessFlood;
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(own), conn);
    return null;
  }

  private handleSync(conn: DocConn, decoder: decoding.Decoder): number | null {
    const subtype = decoding.readVarUint(decoder);
    if (subtype === syncProtocol.messageYjsSyncStep1) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, YJS_MESSAGE.sync);
      syncProtocol.writeSyncStep2(encoder, this.doc, decoding.readVarUint8Array(decoder));
      sendMessage(conn.ws, encoding.toUint8Array(encoder));
      return null;
    }
    if (subtype !== syncProtocol.messageYjsSyncStep2 && subtype !== syncProtocol.messageYjsUpdate) {
      throw new MalformedMessageError(`unknown sync message ${subtype}`);
    }
    const update = decoding.readVarUint8Array(decoder);
    if (!can(conn.role, 'document:write')) {
      // A read-only client still answers our sync step 1 with an (empty) step 2; only real content counts.
      if (update.length > EMPTY_UPDATE_BYTES) this.deps.stats.readOnlyUpdatesDropped++;
      return null;
    }
    if (this.byteSize + update.length > DOC_LIMITS.maxDocumentBytes) return CLOSE_CODES.documentTooLarge;
    Y.applyUpdate(this.doc, update, conn);
    this.deps.stats.updatesAccepted++;
    return null;
  }

  private onDocUpdate(update: Uint8Array, origin: unknown): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, YJS_MESSAGE.sync);
    syncProtocol.writeUpdate(encoder, update);
    const message = encoding.toUint8Array(encoder);
    for (const conn of this.conns.values()) if (conn !== origin) sendMessage(conn.ws, message);
    if (origin === REMOTE_ORIGIN) {
      this.remoteChanged = true;
      return;
    }
    // Broadcast first, persist right after: clients see edits at network speed and the update is
    // committed within one batch window. If we die in between, the editing client still holds it and
    // sends it again when it resyncs.
    this.byteSize += update.length;
    if (this.publishing) this.publish(DOC_CHANNEL_MESSAGE.update, update);
    else this.deps.stats.publishesSkipped++;
    this.deps.persist.push(this.docId, update);
  }

  private onAwarenessUpdate(
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void {
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    const conn =
      typeof origin === 'object' && origin !== null ? this.conns.get((origin as DocConn).ws) : undefined;
    if (conn) {
      for (const id of [...added, ...updated]) conn.awarenessIds.add(id);
      for (const id of removed) conn.awarenessIds.delete(id);
    }
    const message = this.awarenessMessage(changed);
    // Sent to the origin too: y-websocket clients take any message as a sign the link is alive.
    for (const c of this.conns.values()) sendMessage(c.ws, message);
    if (origin !== REMOTE_ORIGIN && this.publishing) {
      this.publish(
        DOC_CHANNEL_MESSAGE.awareness,
        awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed),
      );
    }
  }

  private awarenessMessage(clients: number[]): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, YJS_MESSAGE.awareness);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
    return encoding.toUint8Array(encoder);
  }

  /**
   * Applies a message from the document's Redis channel (never our own: the caller filters). The
   * first word from another instance after being alone is answered with a sync request of our own,
   * and so is a sync request whose state vector shows changes we lack: each side's unpublished
   * edits reach the other through an answer, as what it lacks.
   */
  onChannelMessage(message: DocChannelMessage): void {
    const now = performance.now();
    const wasAlone = !this.othersHeard(now);
    this.othersSeenAt = now;
    if (!this.loaded) {
      // load() asks for a sync itself once these are applied.
      this.early.push(message);
      return;
    }
    if (wasAlone) this.requestSync();
    try {
      if (message.kind === DOC_CHANNEL_MESSAGE.update) {
        this.remoteChanged = false;
        Y.applyUpdate(this.doc, message.payload, REMOTE_ORIGIN);
        // Held (to be stored as received: same bytes, same hash as the publisher's row) when it was
        // news to us, or when part of it waits for a missing dependency. An update we already had
        // (an echo, or a sync answer with nothing new) is not held.
        const { pendingStructs, pendingDs } = this.doc.store;
        if (this.remoteChanged || pendingStructs !== null || pendingDs !== null) {
          this.byteSize += message.payload.length;
          this.holdRelayed(message.payload);
        }
        // Part of it waits for a change we never got: an earlier message was lost.
        if (!wasAlone && (pendingStructs !== null || pendingDs !== null)) this.repair(now);
      } else if (message.kind === DOC_CHANNEL_MESSAGE.here) {
        // The sender has changes we lack (the message carrying them was lost): ask for them.
        if (!wasAlone && message.payload.length > 0 && this.lacksAnyOf(message.payload)) this.repair(now);
      } else if (message.kind === DOC_CHANNEL_MESSAGE.stored) {
        for (let i = 0; i + STORED_HASH_BYTES <= message.payload.length; i += STORED_HASH_BYTES)
          this.held.delete(Buffer.from(message.payload.subarray(i, i + STORED_HASH_BYTES)).toString('hex'));
      } else if (message.kind === DOC_CHANNEL_MESSAGE.awareness) {
        awarenessProtocol.applyAwarenessUpdate(this.awareness, message.payload, REMOTE_ORIGIN);
      } else if (message.kind === DOC_CHANNEL_MESSAGE.syncRequest) {
        // The asker has changes we lack (typed while it thought itself alone): ask back.
        if (!wasAlone && this.lacksAnyOf(message.payload)) this.requestSync();
        const diff = Y.encodeStateAsUpdate(this.doc, message.payload);
        // Always answered, so the asker learns it is not alone even when we have nothing new.
        if (diff.length > EMPTY_UPDATE_BYTES) this.publish(DOC_CHANNEL_MESSAGE.update, diff);
        else this.publish(DOC_CHANNEL_MESSAGE.here, Y.encodeStateVector(this.doc));
        const clients = [...this.awareness.getStates().keys()];
        if (clients.length > 0) {
          this.publish(
            DOC_CHANNEL_MESSAGE.awareness,
            awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients),
          );
        }
      }
    } catch (err) {
      this.deps.log.warn({ err, docId: this.docId }, 'dropped a malformed document channel message');
    }
  }

  private publish(kind: DocChannelMessage['kind'], payload: Uint8Array): void {
    const data = encodeDocChannelMessage({ origin: this.deps.instanceId, kind, payload });
    this.deps.redis.publish(docChannel(this.docId), data).catch((err: unknown) => {
      // Other instances catch up through their sync request or their clients' resync.
      this.deps.log.warn({ err, docId: this.docId }, 'publishing to the document channel failed');
    });
  }

  /** Applies a membership change to this document's connections: removed → closed, demoted → read-only. */
  applyRoleChange(userId: string, role: Role | null): void {
    for (const conn of this.conns.values()) {
      if (conn.userId !== userId) continue;
      if (!role) {
        conn.ws.close(CLOSE_CODES.forbidden, 'membership removed');
      } else if (!can(conn.role, 'document:write') && can(role, 'document:write')) {
        // Promoted: reconnecting makes the client resend what it typed while read-only.
        conn.ws.close(CLOSE_CODES.roleChanged, 'role changed');
      } else {
        conn.role = role;
      }
    }
  }

  /** Closes every connection with `code` (project deleted, shutting down). */
  closeAll(code: number, reason: string): void {
    for (const conn of this.conns.values()) conn.ws.close(code, reason);
  }

  /**
   * Folds persisted updates into the snapshot in the background; one compaction at a time.
   *
   * From memory (the default): the live document becomes the snapshot and the rows it is known to
   * hold are deleted (`compactLiveDocument`), which reads, parses and merges nothing. Profiling
   * bench:collab at 500 clients, a compaction took about 0.5 ms of main-thread CPU this way against
   * about 8 ms folding the rows back from Postgres. From the rows (`compactDocument`, when closing
   * the document): everything stored is folded, other instances' leftover rows included.
   *
   * A large document (over DOCUMENT_MERGE_DEFAULTS.inlineMaxBytes) that another instance holds too
   * is folded from the rows, on the merge thread: from memory, each compaction would first apply
   * the snapshot the other instance wrote, on the event loop (41–96 ms for a 389 KB state).
   */
  compact(from: 'memory' | 'rows' = this.largeAndShared() ? 'rows' : 'memory'): Promise<void> {
    if (this.compacting || this.updatesSinceCompaction === 0) return this.compacting ?? Promise.resolve();
    const counted = this.updatesSinceCompaction;
    const { stats, log } = this.deps;
    this.compacting = (from === 'rows' ? this.compactFromRows() : this.compactFromMemory())
      .then(
        (result) => {
          this.updatesSinceCompaction = Math.max(0, this.updatesSinceCompaction - counted);
          if (result.snapshotBytes > 0) {
            stats.compactions++;
            this.byteSize = result.snapshotBytes;
          }
        },
        (err: unknown) => log.warn({ err, docId: this.docId }, 'compaction failed; will retry'),
      )
      .finally(() => {
        this.compacting = undefined;
      });
    return this.compacting;
  }

  private async compactFromRows(): Promise<{ folded: number; snapshotBytes: number }> {
    // Rows committed before the fold starts are folded by it (and deleted).
    const known = this.foldableRowIds.length;
    const result = await compactDocument(this.deps.sql, this.docId, undefined, mergeDocumentStateOffThread);
    this.foldableRowIds.splice(0, known);
    // The stored snapshot may now hold rows this document never received.
    this.snapshotVersion = undefined;
    return result;
  }

  private largeAndShared(): boolean {
    return this.byteSize > DOCUMENT_MERGE_DEFAULTS.inlineMaxBytes && this.othersHeard();
  }

  private async compactFromMemory(): Promise<{ folded: number; snapshotBytes: number }> {
    const rowIds = this.foldableRowIds.slice();
    const result = await compactLiveDocument(this.deps.sql, this.docId, this.doc, {
      knownVersion: this.snapshotVersion,
      rowIds,
      // A snapshot someone else wrote is applied as a change from elsewhere: sent to our clients,
      // not written again.
      origin: REMOTE_ORIGIN,
    });
    // Rows added since were appended after these.
    this.foldableRowIds.splice(0, rowIds.length);
    this.snapshotVersion = result.version;
    this.deps.stats.compactionsFromMemory++;
    if (result.refreshed) this.deps.stats.compactionSnapshotRefreshes++;
    return result;
  }

  /** Waits for pending writes and compaction, then frees memory. */
  async destroy(): Promise<void> {
    // Closing: whatever is still held unconfirmed is written now (a duplicate is skipped on insert).
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    this.storeHeld();
    await this.deps.persist.drain();
    // A compaction from memory may be running; then what it leaves is folded on the next load.
    await this.compact('rows');
    this.awareness.destroy();
    this.doc.destroy();
  }
}
