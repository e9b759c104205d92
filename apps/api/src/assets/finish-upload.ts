import type { Sql } from '@clapboard/server/db';
import { type BlobStore, bytesStream } from '@clapboard/server/storage';
import { writeAudit } from '../audit/write-audit';
import { unprocessable } from '../errors/http-error';
import { type MediaProbe, ProbeError } from '../media/media-probe';
import type { AssetRow } from './asset-view';
import type { StoredUpload } from './store-upload';

/** The columns every asset route selects (`cursor_ts` keeps the microseconds for keyset pages). */
export const SELECT_ASSET =
  'id, project_id, kind, mime, byte_size, sha256, storage_key, original_name, width, height, duration_sec, probe, thumbnail_key, created_by, created_at, created_at::text as cursor_ts';

export interface FinishUploadInput {
  projectId: string;
  userId: string;
  assetId: string;
  /** Where `storeUpload` put the bytes (see `assetKeys`). */
  key: string;
  thumbKey: string;
  stored: StoredUpload;
  /** Sanitised display name, or null. */
  originalName: string | null;
  maxImagePixels: number;
  ip: string | null;
  /** Extra audit details (e.g. `{ resumable: true }`). */
  auditDetails?: Record<string, unknown>;
}

/**
 * What happens once an upload's bytes are in the store (multipart or resumable alike): the media
 * probe reads its real properties (422 when it cannot), the thumbnail is stored, and the asset row
 * and its audit entry are written in one transaction, last, so a failure leaves no row. The caller
 * removes `key` and `thumbKey` when this throws.
 */
export async function finishUpload(
  deps: { sql: Sql; blobStore: BlobStore; probe: MediaProbe },
  input: FinishUploadInput,
): Promise<AssetRow> {
  const { sql, blobStore: store } = deps;
  const { stored } = input;
  let probed: Awaited<ReturnType<MediaProbe['probe']>>;
  try {
    probed = await deps.probe.probe({
      kind: stored.type.kind,
      mime: stored.type.mime,
      maxImagePixels: input.maxImagePixels,
      key: input.key,
      open: async () => (await store.get(input.key))!.body,
    });
  } catch (err) {
    if (err instanceof ProbeError) throw unprocessable(err.message, { reason: err.reason });
    throw err;
  }
  if (probed.thumbnail) {
    const bytes = probed.thumbnail;
    await store.put(input.thumbKey, bytesStream(bytes), { contentType: 'image/webp' });
  }
  // An MP4 holding only audio is audio; keep the container's audio MIME in step.
  const mime = probed.kind === 'audio' && stored.type.mime === 'video/mp4' ? 'audio/mp4' : stored.type.mime;
  return sql.begin(async (tx) => {
    const [inserted] = await tx.unsafe<AssetRow[]>(
      `insert into assets (id, project_id, kind, mime, byte_size, sha256, storage_key, original_name,
         width, height, duration_sec, probe, thumbnail_key, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       returning ${SELECT_ASSET}`,
      [
        input.assetId,
        input.projectId,
        probed.kind,
        mime,
        stored.byteSize,
        stored.sha256,
        input.key,
        input.originalName,
        probed.width,
        probed.height,
        probed.durationSec,
        tx.json(probed.details as never) as never,
        probed.thumbnail ? input.thumbKey : null,
        input.userId,
      ],
    );
    await writeAudit(tx, {
      projectId: input.projectId,
      actorId: input.userId,
      action: 'asset.upload',
      targetType: 'asset',
      targetId: input.assetId,
      details: {
        kind: probed.kind,
        mime,
        byteSize: stored.byteSize,
        name: input.originalName,
        ...input.auditDetails,
      },
      ip: input.ip,
    });
    return inserted!;
  }) as Promise<AssetRow>;
}
