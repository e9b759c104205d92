import type { TransactionSql } from 'postgres';
import type { Sql } from '../db/connect-db';

/** The pool, or a transaction on it (so a document's first state commits with the row it belongs to). */
type Queryable = Sql | TransactionSql<{ numeric: number; bigint: number }>;

/** One update of one document, for `appendUpdateRows`. */
export interface UpdateRow {
  docId: string;
  update: Uint8Array;
}

const toBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/**
 * Appends updates (of any number of documents) to `doc_updates` in a single multi-row insert: one
 * round trip and one commit for the whole batch, all or none. Idempotent: a row is keyed by its
 * document and the SHA-256 of its bytes (migration 0012), so an update already stored (by another
 * realtime instance that relayed it, or by this one on a retry) is skipped, as is a repeat within
 * the batch. Every instance holding a document stores what it receives this way, which is what
 * keeps a relayed edit when the instance that accepted it dies before its commit.
 *
 * @returns the ids of the rows this call inserted, in the order given (skipped rows have none)
 */
export async function appendUpdateRows(sql: Queryable, rows: readonly UpdateRow[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const values = rows.map((r) => ({ doc_id: r.docId, update: toBuffer(r.update) }));
  const inserted = await sql<{ id: number }[]>`
    insert into doc_updates ${sql(values, 'doc_id', 'update')}
    on conflict (doc_id, hash) do nothing returning id`;
  return inserted.map((r) => r.id).sort((a, b) => a - b);
}

/** `appendUpdateRows` for one document's updates. */
export function appendUpdates(
  sql: Queryable,
  docId: string,
  updates: readonly Uint8Array[],
): Promise<number[]> {
  return appendUpdateRows(
    sql,
    updates.map((update) => ({ docId, update })),
  );
}
