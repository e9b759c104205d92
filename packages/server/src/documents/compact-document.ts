import type { Sql } from '../db/connect-db';
import { mergeDocumentState } from './merge-document-state';

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
    await tx`select pg_advisory_xact_lock(hashtextextended(${`clapboard:compact:${docId}`}, 0))`;
    const rows = await tx<{ id: number; update: Buffer }[]>`
      select id, update from doc_updates where doc_id = ${docId} order by id limit ${maxRows}`;
    if (rows.length === 0) return { folded: 0, snapshotBytes: 0 };
    const [snapshot] = await tx<{ state: Buffer }[]>`select state from doc_snapshots where doc_id = ${docId}`;
    const merged = await merge(
      snapshot?.state,
      rows.map((r) => r.update),
    );
    const state = Buffer.from(merged.buffer, merged.byteOffset, merged.byteLength);
    const ids = rows.map((r) => r.id);
    const lastId = Math.max(...ids);
    await tx`
      insert into doc_snapshots (doc_id, state, last_update_id, byte_size, updated_at)
      values (${docId}, ${state}, ${lastId}, ${state.length}, now())
      on conflict (doc_id) do update set state = excluded.state,
        last_update_id = greatest(doc_snapshots.last_update_id, excluded.last_update_id),
        byte_size = excluded.byte_size, updated_at = now()`;
    await tx`delete from doc_updates where id = any(${ids}::bigint[])`;
    return { folded: rows.length, snapshotBytes: state.length };
  });
}
