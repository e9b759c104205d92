import {
  API_PREFIX,
  type AssetVariant,
  assetParamsSchema,
  signedUrlQuerySchema,
} from '@clapboard/shared/api';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../app';
import type { AppEnv } from '../app-env';
import { verifyAssetUrl } from '../assets/signed-url';
import { streamBlob } from '../assets/stream-blob';
import { forbidden, notFound } from '../errors/http-error';
import { createRouter } from './create-router';
import { errorsFor } from './error-responses';

const variantRoute = (variant: AssetVariant) =>
  createRoute({
    method: 'get',
    path: `${API_PREFIX}/assets/{id}/${variant}`,
    tags: ['assets'],
    summary:
      variant === 'content'
        ? 'Download the original through a signed URL (no headers needed; HTTP Range supported)'
        : 'Download the WebP thumbnail through a signed URL',
    request: { params: assetParamsSchema, query: signedUrlQuerySchema },
    responses: {
      200: { description: 'The bytes', content: { 'application/octet-stream': { schema: z.string() } } },
      206: { description: 'A byte range of the bytes' },
      302: { description: 'Redirect to a presigned object-store URL (S3 backend)' },
      ...errorsFor(400, 403, 404, 416),
    },
  });

/**
 * Signed downloads: `GET /api/v1/assets/:id/content?exp&sig` and `/thumbnail?exp&sig`. The HMAC
 * is the authorization (so `<img>`/`<video>` work without an Authorization header); the asset must
 * still exist. Local store: streamed with Range support. S3: redirect to a presigned URL.
 */
export function assetDownloadRoutes(deps: AppDeps) {
  const { sql, blobStore: store } = deps;
  const router = createRouter();

  async function serve(c: Context<AppEnv>, variant: AssetVariant) {
    const params = assetParamsSchema.safeParse({ id: c.req.param('id') });
    const query = signedUrlQuerySchema.safeParse(c.req.query());
    if (!params.success || !query.success) throw forbidden('This link is not valid.');
    const { id } = params.data;
    const verdict = await verifyAssetUrl(deps.jwtSecret, id, variant, query.data.exp, query.data.sig);
    if (verdict === 'invalid') throw forbidden('This link is not valid.');
    if (verdict === 'expired') throw forbidden('This link has expired. Reload the page for a fresh one.');

    const [row] = await sql<
      { storage_key: string; thumbnail_key: string | null; mime: string; original_name: string | null }[]
    >`
      select a.storage_key, a.thumbnail_key, a.mime, a.original_name from assets a
      join projects p on p.id = a.project_id
      where a.id = ${id} and a.deleted_at is null and p.deleted_at is null`;
    const key = variant === 'content' ? row?.storage_key : row?.thumbnail_key;
    if (!row || !key) throw notFound('Asset');
    const contentType = variant === 'content' ? row.mime : 'image/webp';
    // Media plays inline; documents download, so a PDF never renders on the API's origin.
    const inline = variant === 'thumbnail' || /^(image|video|audio)\//.test(contentType);
    const filename = encodeURIComponent(row.original_name ?? `${id}`);
    const disposition = `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${filename}`;
    const cacheSec = Math.max(0, query.data.exp - Math.floor(Date.now() / 1000));

    if (store.presignGet) {
      const url = await store.presignGet(key, {
        expiresInSec: Math.max(1, cacheSec),
        contentType,
        contentDisposition: disposition,
      });
      return c.redirect(url, 302);
    }

    return streamBlob(c, store, key, {
      'content-type': contentType,
      'content-disposition': disposition,
      'cache-control': `private, max-age=${cacheSec}`,
      'x-content-type-options': 'nosniff',
    });
  }

  for (const variant of ['content', 'thumbnail'] as const) {
    router.openAPIRegistry.registerPath(variantRoute(variant));
    router.get(`${API_PREFIX}/assets/:id/${variant}`, (c) => serve(c, variant));
  }
  return router;
}
