import type { Sql } from '@clapboard/server/db';
import type { BlobStore } from '@clapboard/server/storage';
import sharp from 'sharp';

/**
 * Frames of the scenes that have one, shrunk to PNG (at most `width` px wide) for a PDF. Only the
 * project's own live image assets are read; missing or unreadable ones are left out, so the caller
 * draws a placeholder.
 *
 * @param assetIds scene id → frame asset id
 */
export async function loadFrameImages(
  sql: Sql,
  store: BlobStore,
  projectId: string,
  assetIds: Map<string, string>,
  width = 640,
): Promise<Map<string, Buffer>> {
  const frames = new Map<string, Buffer>();
  if (assetIds.size === 0) return frames;
  const rows = await sql<{ id: string; storage_key: string }[]>`
    select id, storage_key from assets
    where project_id = ${projectId} and kind = 'image' and deleted_at is null and id in ${sql([...assetIds.values()])}`;
  const keys = new Map(rows.map((r) => [r.id, r.storage_key]));
  for (const [sceneId, assetId] of assetIds) {
    const key = keys.get(assetId);
    const obj = key ? await store.get(key) : null;
    if (!obj) continue;
    try {
      const bytes = Buffer.from(await new Response(obj.body).arrayBuffer());
      frames.set(sceneId, await sharp(bytes).resize({ width, withoutEnlargement: true }).png().toBuffer());
    } catch {
      // A corrupt image is drawn as a placeholder rather than failing the whole export.
    }
  }
  return frames;
}
