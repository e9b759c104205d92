import type { Sql } from '../db/connect-db';

/**
 * Appends Yjs updates of one document to `doc_updates` in a single multi-row insert (one round
 * trip, one transaction: all or none). Order within the batch is kept by id.
 *
 * @returns the ids of the inserted rows, in order
 */
export async function appendUpdates(
  sql: Sql,
  docId: string,
  updates: readonly Uint8Array[],
): Promise<number[]> {
  if (updates.length === 0) return [];
  const rows = updates.map((u) => ({
    doc_id: docId,
    update: Buffer.from(u.buffer, u.byteOffset, u.byteLength),
  }));
  const inserted = await sql<
    { id: number }[]
  >`insert into doc_updates ${sql(rows, 'doc_id', 'update')} returning id`;
  return inserted.map((r) => r.id);
}
