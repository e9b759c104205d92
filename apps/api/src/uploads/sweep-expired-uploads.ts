import type { Sql } from '@clapboard/server/db';
import type { BlobStore } from '@clapboard/server/storage';
import { deleteUpload } from './delete-upload';

/**
 * Deletes abandoned uploads: unfinished ones past `expires_at` (each PATCH pushes it on) with their
 * chunk objects, and finished ones' bookkeeping rows once they expired too (their asset stays).
 * An upload stuck `assembling` past its expiry (the instance died mid-assembly) goes as well, and so
 * do direct uploads nobody completed (`sweepExpiredDirectUploads`).
 *
 * @param batch most uploads removed per call (default 100); call again while it returns that many
 * @returns how many uploads were removed
 */
export async function sweepExpiredUploads(sql: Sql, store: BlobStore, batch = 100): Promise<number> {
  const rows = await sql<{ id: string }[]>`
    select id from uploads where expires_at <= now() order by expires_at limit ${batch}`;
  for (const r of rows) await deleteUpload(sql, store, r.id);
  return rows.length + (await sweepExpiredDirectUploads(sql, store, batch));
}

/**
 * Direct uploads started and never completed, past their expiry: the object their presigned PUT
 * may have created is deleted (a missing one is fine), then the row. A completion racing the sweep
 * finds no row and answers 410.
 */
export async function sweepExpiredDirectUploads(sql: Sql, store: BlobStore, batch = 100): Promise<number> {
  const rows = await sql<{ asset_id: string; storage_key: string }[]>`
    select asset_id, storage_key from direct_uploads where expires_at <= now() order by expires_at limit ${batch}`;
  for (const r of rows) {
    await store.delete(r.storage_key);
    await sql`delete from direct_uploads where asset_id = ${r.asset_id}`;
  }
  return rows.length;
}
