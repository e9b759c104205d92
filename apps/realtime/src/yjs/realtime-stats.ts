/** Live counters of the Yjs endpoint, reported by /healthz. */
export interface RealtimeStats {
  /** Sync step 2 / update messages from read-only members, dropped unapplied. */
  readOnlyUpdatesDropped: number;
  /** Updates accepted from writers and applied. */
  updatesAccepted: number;
  /** Updates relayed from other instances (or the API) that changed our copy, queued for storage too. */
  relayedUpdatesStored: number;
  /** Local updates not published to Redis because no other instance held the document. */
  publishesSkipped: number;
  /** Sync requests sent because a channel message from another instance was evidently lost. */
  syncRepairs: number;
  /** Updates written to doc_updates (an update another instance stored first is skipped there). */
  updatesPersisted: number;
  /** Of those, updates another instance (or an earlier try) had stored already: skipped, not duplicated. */
  updatesAlreadyStored: number;
  /** Multi-row inserts done (one per batch). */
  persistBatches: number;
  /** Failed batch inserts (retried; the updates are kept in memory until they land). */
  persistErrors: number;
  /** Slowest accept-to-committed time seen, in milliseconds. */
  maxPersistLatencyMs: number;
  /** Connections closed for malformed or oversized messages. */
  malformedClosed: number;
  /** Connections closed for flooding presence (too large or too frequent awareness updates). */
  awarenessFloodClosed: number;
  /** Awareness updates dropped for touching a client id another connection holds. */
  awarenessForeignDropped: number;
  /** Compactions that wrote a snapshot. */
  compactions: number;
  /** Of those, compactions from the document in memory (the rest folded the stored rows). */
  compactionsFromMemory: number;
  /** Compactions from memory that found a snapshot another instance wrote, and applied it first. */
  compactionSnapshotRefreshes: number;
}

/** A zeroed stats object. */
export function createRealtimeStats(): RealtimeStats {
  return {
    readOnlyUpdatesDropped: 0,
    updatesAccepted: 0,
    relayedUpdatesStored: 0,
    publishesSkipped: 0,
    syncRepairs: 0,
    updatesPersisted: 0,
    updatesAlreadyStored: 0,
    persistBatches: 0,
    persistErrors: 0,
    maxPersistLatencyMs: 0,
    malformedClosed: 0,
    awarenessFloodClosed: 0,
    awarenessForeignDropped: 0,
    compactions: 0,
    compactionsFromMemory: 0,
    compactionSnapshotRefreshes: 0,
  };
}
