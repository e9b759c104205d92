import type { Sql } from '@clapboard/server/db';
import type { BlobStore } from '@clapboard/server/storage';

/**
 * Removes an upload's chunk objects and then its row (the chunk rows go with it). Objects first:
 * a crash in between leaves a row the sweeper finds again, never bytes nobody lists.
 */
export async function deleteUpload(sql: Sql, store: BlobStore, uploadId: string): Promise<void> {
  const chunks = await sql<{ storage_key: string }[]>`
    select storage_key from upload_chunks where upload_id = ${uploadId}`;
  await Promise.all(chunks.map((c) => store.delete(c.storage_key)));
  await sql`delete from uploads where id = ${uploadId}`;
}
