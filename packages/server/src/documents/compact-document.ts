import * as Y from 'yjs';
import type { Sql, Tx } from '../db/connect-db';
import { mergeDocumentState } from './merge-document-state';

/**
 * Takes the per-document compaction lock for the rest of the transaction: two compactors (two
 * instances, or a fold of rows and a compaction from memory) never write one snapshot at once.
 * Writers of update rows are never blocked.
 */
async function lockCompaction(tx: Tx, docId: string): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtextextended(${`clapboard:compact:${docId}`}, 0))`;
}

/**
 * Writes a document's snapshot and deletes the rows it holds, in one statement.
 * @returns the snapshot's new row version (`xmin`) and the number of rows deleted
 */
async function storeSnapshot(
  tx: Tx,
  docId: string,
  snapshot: Uint8Array,
  rowIds: readonly number[],
): Promise<{ version: string; folded: number }> {
  const state = Buffer.from(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength);
  const lastId = rowIds.reduce((max, id) => Math.max(max, id), 0);
  const [written] = await tx<{ version: string; folded: number }[]>`
    with s as (
      insert into doc_snapshots (doc_id, state, last_update_id, byte_size, updated_at)
      values (${docId}, ${state}, ${lastId}, ${state.length}, now())
      on conflict (doc_id) do update set state = excluded.state,
        last_update_id = greatest(doc_snapshots.last_update_id, excluded.last_update_id),
        byte_size = excluded.byte_size, updated_at = now()
      returning xmin::text as version),
    d as (delete from doc_updates where doc_id = ${docId} and id = any(${rowIds as number[]}::bigint[]) returning id)
    select (select version from s) as version, (select count(*)::int from d) as folded`;
  return written!;
}

export interface CompactionResult {
  /** Update rows folded into the snapshot (0: nothing to do). */
  folded: number;
  /** Size of the new snapshot in bytes (0 when nothing was folded). */
  snapshotBytes: number;
}

/**
 * Folds a document's update rows into its snapshot, in one transaction: merge snapshot and rows,
 * upsert the snapshot (with `last_update_id` = highest folded id), delete exactly the folded rows.
 * A transaction-scoped advisory lock keeps two compactors (two instances) from folding the same
 * document at once; writers are never blocked. Rows committed while we run are simply left for
 * the next compaction, and loaders see either the old snapshot with all rows or the new one with
 * the rest (see `loadDocumentState`).
 *
 * Merging goes through a Y.Doc so deleted content is garbage-collected and the snapshot shrinks.
 *
 * @param maxRows fold at most this many rows per call (default 10 000) to bound memory and time
 * @param merge how snapshot and rows are folded: inline by default; a server that relays edits
 *   passes `mergeDocumentStateOffThread` so the fold does not stall its event loop
 */
export async function compactDocument(
  sql: Sql,
  docId: string,
  maxRows = 10_000,
  merge: (
    snapshot: Uint8Array | undefined,
    updates: Uint8Array[],
  ) => Uint8Array | Promise<Uint8Array> = mergeDocumentState,
): Promise<CompactionResult> {
  return sql.begin(async (tx) => {
    await lockCompaction(tx, docId);
    const rows = await tx<{ id: number; update: Buffer }[]>`
      select id, update from doc_updates where doc_id = ${docId} order by id limit ${maxRows}`;
    if (rows.length === 0) return { folded: 0, snapshotBytes: 0 };
    const [snapshot] = await tx<{ state: Buffer }[]>`select state from doc_snapshots where doc_id = ${docId}`;
    const merged = await merge(
      snapshot?.state,
      rows.map((r) => r.update),
    );
    await storeSnapshot(
      tx,
      docId,
      merged,
      rows.map((r) => r.id),
    );
    return { folded: rows.length, snapshotBytes: merged.length };
  });
}

/** What `compactLiveDocument` did. */
export interface LiveCompaction {
  /** Update rows deleted: rows the caller named, whose updates the written snapshot holds. */
  folded: number;
  /** Size of the written snapshot in bytes. */
  snapshotBytes: number;
  /**
   * The written snapshot's row version (Postgres's `xmin`): pass it as `knownVersion` next time.
   * While the stored snapshot still has this version nobody else has written it, so it holds
   * nothing the live document lacks.
   */
  version: string;
  /** The stored snapshot had changed since `knownVersion`, and was applied to the document first. */
  refreshed: boolean;
}

/**
 * Compacts a document that a server holds in memory, from that memory: the live Y.Doc's state
 * becomes the snapshot, and the rows the caller names are deleted. Compared with `compactDocument`
 * nothing is read back from the update rows, parsed or merged; the cost is one
 * `encodeStateAsUpdate` of a document whose items Yjs has already merged.
 *
 * It must never store less than was stored. Hence:
 * - `rowIds` must name only rows whose updates are in `doc` (rows the server loaded into it, and
 *   rows it inserted for updates it had applied). Other rows (another instance's, the API's) stay
 *   for that instance or a full fold.
 * - The stored snapshot is replaced only when it holds nothing `doc` lacks: when its version is still
 *   `knownVersion` (the one this server loaded or wrote). Otherwise someone else compacted in
 *   between, perhaps folding rows this server never received; their snapshot is applied to `doc`
 *   first (with `origin`, so the server treats it as a change from elsewhere and sends it to its
 *   clients), and then `doc` holds everything the stored state held.
 * - Both run under the same advisory lock as `compactDocument`, so no fold can interleave.
 *
 * @param knownVersion the stored snapshot's version when this server last read or wrote it; null:
 *   there was none; undefined: unknown (the stored snapshot, if any, is applied first)
 */
export async function compactLiveDocument(
  sql: Sql,
  docId: string,
  doc: Y.Doc,
  {
    knownVersion,
    rowIds,
    origin,
  }: { knownVersion: string | null | undefined; rowIds: readonly number[]; origin: unknown },
): Promise<LiveCompaction> {
  return sql.begin(async (tx) => {
    await lockCompaction(tx, docId);
    // The state only travels when the version moved: usually this reads a few bytes.
    const [stored] = await tx<{ version: string; state: Buffer | null }[]>`
      select xmin::text as version, case when xmin::text = ${knownVersion ?? ''} then null else state end as state
      from doc_snapshots where doc_id = ${docId}`;
    const refreshed = stored?.state != null;
    if (stored?.state) Y.applyUpdate(doc, stored.state, origin);
    const state = Y.encodeStateAsUpdate(doc);
    const { version, folded } = await storeSnapshot(tx, docId, state, rowIds);
    return { folded, snapshotBytes: state.length, version, refreshed };
  });
}
