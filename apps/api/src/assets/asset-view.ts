import type { Asset, AssetKind } from '@clapboard/shared/api';
import { signAssetUrl } from './signed-url';

export interface AssetRow {
  id: string;
  project_id: string;
  kind: AssetKind;
  mime: string;
  byte_size: number;
  sha256: string;
  storage_key: string;
  original_name: string | null;
  width: number | null;
  height: number | null;
  duration_sec: number | null;
  probe: Record<string, unknown>;
  thumbnail_key: string | null;
  created_by: string | null;
  created_at: Date;
  cursor_ts: string;
}

/**
 * Turns a row into the API shape with signed download URLs valid for `ttlSec`. Expiry is rounded
 * up to the next `ttlSec / 4` boundary so repeated reads return the same URL and browsers can
 * cache the media.
 */
export async function toAsset(
  row: AssetRow,
  opts: { secret: string; publicUrl: string; ttlSec: number; now?: number },
): Promise<Asset> {
  const step = Math.max(60, Math.floor(opts.ttlSec / 4));
  const nowSec = Math.floor((opts.now ?? Date.now()) / 1000);
  const exp = Math.ceil((nowSec + opts.ttlSec) / step) * step;
  return {
    id: row.id,
    projectId: row.project_id,
    kind: row.kind,
    mime: row.mime,
    byteSize: row.byte_size,
    sha256: row.sha256,
    originalName: row.original_name,
    width: row.width,
    height: row.height,
    durationSec: row.duration_sec,
    probe: row.probe,
    hasThumbnail: row.thumbnail_key !== null,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    urls: {
      content: await signAssetUrl(opts.secret, opts.publicUrl, row.id, 'content', exp),
      thumbnail: row.thumbnail_key
        ? await signAssetUrl(opts.secret, opts.publicUrl, row.id, 'thumbnail', exp)
        : null,
      expiresAt: new Date(exp * 1000).toISOString(),
    },
  };
}
