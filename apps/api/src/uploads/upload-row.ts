import type { AssetKind, ResumableUpload } from '@clapboard/shared/api';

/** An `uploads` row as the routes select it. */
export interface UploadRow {
  id: string;
  project_id: string;
  created_by: string;
  upload_length: number;
  upload_offset: number;
  filename: string | null;
  kind: AssetKind | null;
  mime: string | null;
  status: ResumableUpload['status'];
  asset_id: string | null;
  expires_at: Date;
  created_at: Date;
  /** `expires_at <= now()` as Postgres sees it (one clock for every instance). */
  expired: boolean;
}

/** Columns for `UploadRow` (`u` is `uploads`). */
export const UPLOAD_COLUMNS =
  'u.id, u.project_id, u.created_by, u.upload_length, u.upload_offset, u.filename, u.kind, u.mime, u.status, u.asset_id, u.expires_at, u.created_at, u.expires_at <= now() as expired';

export const toResumableUpload = (r: UploadRow): ResumableUpload => ({
  id: r.id,
  projectId: r.project_id,
  filename: r.filename,
  length: Number(r.upload_length),
  offset: Number(r.upload_offset),
  status: r.status,
  kind: r.kind,
  assetId: r.asset_id,
  expiresAt: r.expires_at.toISOString(),
  createdAt: r.created_at.toISOString(),
});
