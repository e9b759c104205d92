/**
 * The blob-store layout, defined once: every writer and reader of asset bytes (upload routes, tus
 * assembly, job steps) builds keys here.
 *
 *   projects/<projectId>/assets/<assetId>/original          the asset's bytes
 *   projects/<projectId>/assets/<assetId>/thumbnail.webp    its thumbnail, when it has one
 *   projects/<projectId>/uploads/<uploadId>/<offset>-<id>   one received part of a resumable upload
 */
export function assetKeys(projectId: string, assetId: string): { key: string; thumbKey: string } {
  const prefix = `projects/${projectId}/assets/${assetId}`;
  return { key: `${prefix}/original`, thumbKey: `${prefix}/thumbnail.webp` };
}

/** Key of one received part of a resumable upload (parts are removed once the asset is assembled). */
export function uploadPartKey(projectId: string, uploadId: string, offset: number, partId: string): string {
  return `projects/${projectId}/uploads/${uploadId}/${offset}-${partId}`;
}
