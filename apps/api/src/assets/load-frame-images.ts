import type { Sql } from '@clapboard/server/db';
import type { BlobStore } from '@clapboard/server/storage';

/** sharp, loaded on first use: a native addon, absent on the edge (workerd). */
let sharpModule: Promise<typeof import('sharp').default | null> | undefined;
const loadSharp = () => {
  sharpModule ??= import('sharp').then(
    (m) => m.default,
    () => null,
  );
  return sharpModule;
};

const isPngOrJpeg = (b: Uint8Array) =>
  (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) || (b[0] === 0xff && b[1] === 0xd8);

/**
 * Frames of the scenes that have one, shrunk to PNG (at most `width` px wide) for a PDF. Only the
 * project's own live image assets are read; missing or unreadable ones are left out, so the caller
 * draws a placeholder. Without sharp (the edge) PNG and JPEG frames go in at their stored size and
 * other formats are left out.
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
      const sharp = await loadSharp();
      if (sharp)
        frames.set(sceneId, await sharp(bytes).resize({ width, withoutEnlargement: true }).png().toBuffer());
      else if (isPngOrJpeg(bytes)) frames.set(sceneId, bytes);
    } catch {
      // A corrupt image is drawn as a placeholder rather than failing the whole export.
    }
  }
  return frames;
}
