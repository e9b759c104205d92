import { docFromState } from '@clapboard/screenplay';
import * as Y from 'yjs';
import type { Sql } from '../db/connect-db';

export interface LoadedDocument {
  doc: Y.Doc;
  /** Bytes read from Postgres (snapshot plus pending updates): the document's stored size. */
  storedBytes: number;
  /** Number of update rows not yet folded into the snapshot. */
  pendingUpdates: number;
}

/** A document's stored state, read by `loadDocumentState`. */
export interface StoredDocumentState {
  /** Snapshot and rows as one update (empty document: a 2-byte empty update). */
  state: Uint8Array;
  /** Bytes read from Postgres (snapshot plus pending updates). */
  storedBytes: number;
  /** Number of update rows not yet folded into the snapshot. */
  pendingUpdates: number;
  /** The snapshot's row version (`xmin`), null without one: `compactLiveDocument`'s `knownVersion`. */
  snapshotVersion: string | null;
  /** Ids of the rows read, ascending: all of them are in `state`. */
  updateIds: number[];
}

/**
 * Reads the stored state of a document: the latest snapshot plus every update row not yet folded
 * into it. Both reads run in one repeatable-read transaction, so a compaction committing in between
 * can never make us see the old snapshot without the rows it folded.
 *
 * Every remaining row is applied, not only those above `last_update_id`: an update whose id was
 * allocated before a compaction but committed after it would otherwise be skipped. Applying a row
 * twice is harmless (Yjs updates are idempotent).
 *
 * @returns the state as one merged update (empty document: a 2-byte empty update), with what a
 *   server holding the document needs to compact it from memory (`compactLiveDocument`)
 */
export async function loadDocumentState(sql: Sql, docId: string): Promise<StoredDocumentState> {
  const [snapshots, updates] = await sql.begin('isolation level repeatable read read only', async (tx) => [
    await tx<{ state: Buffer; version: string }[]>`
      select state, xmin::text as version from doc_snapshots where doc_id = ${docId}`,
    await tx<
      { id: number; update: Buffer }[]
    >`select id, update from doc_updates where doc_id = ${docId} order by id`,
  ]);
  const parts: Uint8Array[] = [];
  let storedBytes = 0;
  for (const row of snapshots) {
    parts.push(row.state);
    storedBytes += row.state.length;
  }
  for (const row of updates) {
    parts.push(row.update);
    storedBytes += row.update.length;
  }
  const state = parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
  return {
    state,
    storedBytes,
    pendingUpdates: updates.length,
    snapshotVersion: snapshots[0]?.version ?? null,
    updateIds: updates.map((r) => r.id),
  };
}

/**
 * Loads a document into a fresh Y.Doc (see `loadDocumentState` for the consistency rules), with
 * scenes in the current layout: an old-layout document is migrated in memory (`docFromState`); the
 * realtime server persists that migration when it opens the document.
 * Throws when Postgres is unreachable or a stored update is corrupt.
 */
export async function loadDocument(sql: Sql, docId: string): Promise<LoadedDocument> {
  const { state, storedBytes, pendingUpdates } = await loadDocumentState(sql, docId);
  return { doc: docFromState(state), storedBytes, pendingUpdates };
}
