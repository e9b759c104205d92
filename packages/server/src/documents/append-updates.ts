import { createHash } from 'node:crypto';
import type { Queryable } from '../db/connect-db';

/** One update of one document, for `appendUpdateRows`. */
export interface UpdateRow {
  docId: string;
  update: Uint8Array;
}

/** A row `appendUpdateRows` inserted. */
export interface InsertedRow {
  id: number;
  docId: string;
}

const UUID_OID = 2950;
const BYTEA_OID = 17;

const toBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/**
 * Appends updates (of any number of documents) to `doc_updates` in a single multi-row insert: one
 * round trip and one commit for the whole batch, all or none. Idempotent: a row is keyed by its
 * document and the SHA-256 of its bytes (migration 0012), so an update already stored (by another
 * realtime instance that relayed it, or by this one on a retry) is skipped, as is a repeat within
 * the batch. Every instance holding a document stores what it receives this way, which is what
 * keeps a relayed edit when the instance that accepted it dies before its commit.
 *
 * @returns the rows this call inserted, by ascending id (skipped rows have none)
 */
export async function appendUpdateRows(sql: Queryable, rows: readonly UpdateRow[]): Promise<InsertedRow[]> {
  if (rows.length === 0) return [];
  // Rows go in one canonical order, (document, hash), the order of the unique index: two instances
  // inserting overlapping batches then wait on each other's keys in the same order and never
  // deadlock (a deadlock costs Postgres's deadlock_timeout, 1 s, before one side is retried).
  const keyed = new Map<string, { doc_id: string; update: Buffer }>();
  for (const r of rows) {
    const update = toBuffer(r.update);
    keyed.set(`${r.docId}:${createHash('sha256').update(update).digest('hex')}`, { doc_id: r.docId, update });
  }
  const values = [...keyed.keys()].sort().map((k) => keyed.get(k)!);
  const docIds = sql.array(
    values.map((v) => v.doc_id),
    UUID_OID,
  );
  const updates = sql.array(
    values.map((v) => v.update),
    BYTEA_OID,
  );
  // Two array parameters, whatever the batch size: one statement text, prepared once per
  // connection, instead of a `values ($1,$2),…` statement per distinct row count (up to 5,000 of
  // them, each prepared and kept by postgres.js and by the Postgres backend). `with ordinality`
  // keeps the canonical order.
  const inserted = await sql<{ id: number; doc_id: string }[]>`
    insert into doc_updates (doc_id, update)
    select d, u from unnest(${docIds}::uuid[], ${updates}::bytea[]) with ordinality as t(d, u, n)
    order by n
    on conflict (doc_id, hash) do nothing returning id, doc_id`;
  return inserted.map((r) => ({ id: r.id, docId: r.doc_id })).sort((a, b) => a.id - b.id);
}

/** `appendUpdateRows` for one document's updates; the inserted rows' ids, ascending. */
export async function appendUpdates(
  sql: Queryable,
  docId: string,
  updates: readonly Uint8Array[],
): Promise<number[]> {
  const inserted = await appendUpdateRows(
    sql,
    updates.map((update) => ({ docId, update })),
  );
  return inserted.map((r) => r.id);
}
