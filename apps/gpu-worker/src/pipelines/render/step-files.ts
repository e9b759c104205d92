import { downloadAsset, type SaveJobFileInput, saveJobFile } from '@clapboard/server/assets';
import type { BlobStore } from '@clapboard/server/storage';
import { UnrecoverableError } from 'bullmq';
import type { StepContext } from '../../jobs/pipeline';

/** A stored output: its asset id and content hash (the next step's cache input). */
export interface StoredFile {
  assetId: string;
  sha256: string;
}

/**
 * Stores a file a step produced as an asset of the job's project and tracks it, so a failed or
 * cancelled step leaves nothing behind.
 */
export async function storeStepFile(
  ctx: StepContext<never>,
  store: BlobStore,
  input: Omit<SaveJobFileInput, 'projectId' | 'jobId'>,
): Promise<StoredFile> {
  const assetId = await saveJobFile(ctx.sql, store, { ...input, projectId: ctx.projectId, jobId: ctx.jobId });
  ctx.trackAsset(assetId);
  const [row] = await ctx.sql<{ sha256: string }[]>`select sha256 from assets where id = ${assetId}`;
  return { assetId, sha256: row!.sha256 };
}

/** An asset row as steps read it. */
export interface ProjectAssetRow {
  storage_key: string;
  sha256: string;
  kind: string;
  /** What the job that made it recorded about it (`storyboardFrame` marks a finished frame). */
  probe: Record<string, unknown>;
}

/** An asset of the job's project: its storage key and hash, or null when missing or deleted. */
export async function projectAsset(
  ctx: StepContext<never>,
  assetId: string,
): Promise<ProjectAssetRow | null> {
  const [row] = await ctx.sql<ProjectAssetRow[]>`
    select storage_key, sha256, kind, probe from assets
    where id = ${assetId} and project_id = ${ctx.projectId} and deleted_at is null`;
  return row ?? null;
}

/**
 * Copies an asset (by id, any project the job may read: its own) to a local file.
 * @throws UnrecoverableError when the asset is gone (a later retry would not bring it back)
 */
export async function fetchAsset(
  ctx: StepContext<never>,
  store: BlobStore,
  assetId: string,
  file: string,
): Promise<void> {
  const row = await projectAsset(ctx, assetId);
  if (!row) throw new UnrecoverableError(`Asset ${assetId} no longer exists; render again.`);
  await downloadAsset(store, row.storage_key, file);
}
