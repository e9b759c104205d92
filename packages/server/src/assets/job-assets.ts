import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Sql } from '../db/connect-db';
import type { BlobStore } from '../storage/blob-store';
import { assetKeys } from './asset-keys';

export type AssetKind = 'image' | 'video' | 'audio' | 'document';

export interface SaveJobFileInput {
  projectId: string;
  jobId: string;
  /** Local file to store. */
  file: string;
  kind: AssetKind;
  mime: string;
  /** Display name, e.g. `render-720p.mp4`. */
  name: string;
  width?: number;
  height?: number;
  durationSec?: number;
  probe?: Record<string, unknown>;
  createdBy?: string | null;
}

/**
 * Stores a file a job produced as an asset of the project (source `job`): streams it into the
 * blob store while hashing, then inserts the row. If the row cannot be written the blob is
 * removed again. Returns the new asset id.
 */
export async function saveJobFile(sql: Sql, store: BlobStore, input: SaveJobFileInput): Promise<string> {
  const id = randomUUID();
  const { key } = assetKeys(input.projectId, id);
  const hash = createHash('sha256');
  const source = createReadStream(input.file);
  source.on('data', (chunk) => hash.update(chunk));
  await store.put(key, Readable.toWeb(source) as unknown as ReadableStream<Uint8Array>, {
    contentType: input.mime,
  });
  const { size } = await stat(input.file);
  try {
    await sql`
      insert into assets (id, project_id, kind, mime, byte_size, sha256, storage_key, original_name, width, height, duration_sec, probe, source, job_id, created_by)
      values (${id}, ${input.projectId}, ${input.kind}, ${input.mime}, ${size}, ${hash.digest('hex')}, ${key}, ${input.name},
              ${input.width ?? null}, ${input.height ?? null}, ${input.durationSec ?? null}, ${sql.json((input.probe ?? {}) as never)}, 'job', ${input.jobId}, ${input.createdBy ?? null})`;
  } catch (err) {
    await store.delete(key).catch(() => {});
    throw err;
  }
  return id;
}

/**
 * Deletes an asset: its row (with `inTransaction`, e.g. an audit row, in the same transaction), then
 * its blobs. Rows go first: a crash between the two leaves an orphan blob (harmless), never a row
 * pointing at nothing. A missing asset is fine (returns false).
 */
export async function removeAsset(
  sql: Sql,
  store: BlobStore,
  assetId: string,
  inTransaction?: (tx: Sql) => Promise<void>,
): Promise<boolean> {
  const row = await sql.begin(async (tx) => {
    const [deleted] = await tx<{ storage_key: string; thumbnail_key: string | null }[]>`
      delete from assets where id = ${assetId} returning storage_key, thumbnail_key`;
    if (deleted && inTransaction) await inTransaction(tx as unknown as Sql);
    return deleted;
  });
  if (!row) return false;
  await Promise.all([
    store.delete(row.storage_key),
    row.thumbnail_key ? store.delete(row.thumbnail_key) : null,
  ]);
  return true;
}

/** Copies an asset's bytes to a local file (for FFmpeg/sharp); throws when it is missing. */
export async function downloadAsset(store: BlobStore, key: string, file: string): Promise<void> {
  const obj = await store.get(key);
  if (!obj) throw new Error(`The asset's file is missing from the store (${key}).`);
  const { createWriteStream } = await import('node:fs');
  const { pipeline } = await import('node:stream/promises');
  await pipeline(
    Readable.fromWeb(obj.body as unknown as WebReadableStream<Uint8Array>),
    createWriteStream(file),
  );
}
