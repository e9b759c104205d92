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
 * round trip and one commit for the whole batch, all or none. Row ids follow array order.
 *
 * @returns the ids of the inserted rows, in order
 */
export async function appendUpdateRows(sql: Queryable, rows: readonly UpdateRow[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const values = rows.map((r) => ({ doc_id: r.docId, update: toBuffer(r.update) }));
  const inserted = await sql<{ id: number }[]>`
    insert into doc_updates ${sql(values, 'doc_id', 'update')} returning id`;
  return inserted.map((r) => r.id);
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
