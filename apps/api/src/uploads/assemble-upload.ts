import { assetKeys } from '@clapboard/server/assets';
import type { Sql } from '@clapboard/server/db';
import { emitProjectEvent, type JobEmitter } from '@clapboard/server/jobs';
import type { BlobStore } from '@clapboard/server/storage';
import type { UploadSettledPayload } from '@clapboard/shared/events';
import type { AssetRow } from '../assets/asset-view';
import { finishUpload } from '../assets/finish-upload';
import { storeUpload } from '../assets/store-upload';
import type { UploadLimits } from '../assets/upload-limits';
import { HttpError } from '../errors/http-error';
import type { MediaProbe } from '../media/media-probe';
import { concatBlobs } from './concat-blobs';
import { deleteUpload } from './delete-upload';
import type { UploadRow } from './upload-row';

export interface AssembleDeps {
  sql: Sql;
  blobStore: BlobStore;
  probe: MediaProbe;
  /** Announces `upload:settled` on the project room, so a client whose last PATCH was cut waits for it. */
  emitter?: JobEmitter;
}

/**
 * Turns a complete resumable upload into an ordinary project asset, exactly as a multipart upload
 * becomes one: its chunks, joined in order, go through `storeUpload` (magic bytes, size limit,
 * SHA-256 of the whole file) and `finishUpload` (probe, thumbnail, row, audit). Only the caller
 * that moved the upload from `open` to `assembling` runs this, so it runs once.
 *
 * A file the probe refuses (4xx) is unrecoverable: the upload is deleted with its bytes and the
 * error is rethrown. Anything else (the store failing) puts the upload back to `open` with every
 * chunk kept, so a zero-byte PATCH at the end offset tries again.
 *
 * @param limits per-kind limits to enforce on the joined file (video raised to the resumable limit)
 * @returns the new asset's row
 */
export async function assembleUpload(
  deps: AssembleDeps,
  upload: UploadRow,
  limits: UploadLimits,
  opts: { ip: string | null; expirySec: number },
): Promise<AssetRow> {
  const { sql, blobStore: store } = deps;
  const chunks = await sql<{ storage_key: string; start_offset: number; byte_size: number }[]>`
    select storage_key, start_offset, byte_size from upload_chunks
    where upload_id = ${upload.id} order by start_offset`;
  const assetId = crypto.randomUUID();
  const { key, thumbKey } = assetKeys(upload.project_id, assetId);
  try {
    const stored = await storeUpload(
      store,
      key,
      concatBlobs(
        store,
        chunks.map((c) => c.storage_key),
      ),
      limits,
    );
    if (stored.byteSize !== Number(upload.upload_length))
      throw new Error(`joined ${stored.byteSize} bytes, expected ${upload.upload_length}`);
    const row = await finishUpload(deps, {
      projectId: upload.project_id,
      userId: upload.created_by,
      assetId,
      key,
      thumbKey,
      stored,
      originalName: upload.filename,
      maxImagePixels: limits.maxImagePixels,
      ip: opts.ip,
      auditDetails: { resumable: true, uploadId: upload.id },
    });
    // The row stays a while (so a client that resumes after the end still finds its asset).
    await sql`
      update uploads set status = 'completed', asset_id = ${assetId}, updated_at = now(),
        expires_at = now() + make_interval(secs => ${opts.expirySec})
      where id = ${upload.id}`;
    await Promise.all(chunks.map((c) => store.delete(c.storage_key)));
    await sql`delete from upload_chunks where upload_id = ${upload.id}`;
    settled(deps, upload, { status: 'completed', assetId });
    return row;
  } catch (err) {
    await Promise.allSettled([store.delete(key), store.delete(thumbKey)]);
    const refused = err instanceof HttpError && err.status < 500;
    if (refused) await deleteUpload(sql, store, upload.id);
    else await sql`update uploads set status = 'open', updated_at = now() where id = ${upload.id}`;
    settled(deps, upload, { status: refused ? 'deleted' : 'open', assetId: null });
    throw err;
  }
}

/** `upload:settled` to the project room, once the upload's row says how assembling ended. */
function settled(
  deps: AssembleDeps,
  upload: UploadRow,
  outcome: Omit<UploadSettledPayload, 'uploadId'>,
): void {
  if (!deps.emitter) return;
  emitProjectEvent(deps.emitter, {
    projectId: upload.project_id,
    type: 'upload:settled',
    payload: { uploadId: upload.id, ...outcome },
    at: new Date().toISOString(),
  });
}
