import { assetKeys, removeAsset } from '@clapboard/server/assets';
import {
  API_PREFIX,
  assetPageSchema,
  assetParamsSchema,
  assetSchema,
  listAssetsQuerySchema,
  projectParamsSchema,
} from '@clapboard/shared/api';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../app';
import type { AppEnv } from '../app-env';
import { type AssetRow, toAsset } from '../assets/asset-view';
import { finishUpload, SELECT_ASSET } from '../assets/finish-upload';
import { multipartBoundary, parseMultipart } from '../assets/parse-multipart';
import { sanitizeFilename } from '../assets/sanitize-filename';
import { storeUpload } from '../assets/store-upload';
import { resolveUploadLimits } from '../assets/upload-limits';
import { writeAudit } from '../audit/write-audit';
import { authorizeProject } from '../auth/authorize-project';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { requireUser } from '../auth/require-user';
import { badRequest, notFound, payloadTooLarge } from '../errors/http-error';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';

/** Signed asset URLs live an hour by default: long enough to watch a video, short if leaked. */
export const DEFAULT_ASSET_URL_TTL_SEC = 60 * 60;

const projectAssets = `${API_PREFIX}/projects/{id}/assets`;
const oneAsset = `${API_PREFIX}/assets/{id}`;
const assetJson = { 'application/json': { schema: assetSchema } };

const upload = createRoute({
  method: 'post',
  path: projectAssets,
  tags: ['assets'],
  summary: 'Upload a file (multipart/form-data, field "file"); typed by content, probed, thumbnailed',
  description:
    'Streamed to the blob store while hashed; never buffered whole. Accepted: JPEG, PNG, WebP, GIF, ' +
    'MP4, MOV, WebM, WAV, MP3, OGG, FLAC, PDF (decided by magic bytes). Size limits per kind.',
  security: bearerSecurity,
  request: {
    params: projectParamsSchema,
    body: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: z.object({ file: z.string().openapi({ type: 'string', format: 'binary' }) }),
        },
      },
    },
  },
  responses: {
    201: { description: 'Stored and probed', content: assetJson },
    ...errorsFor(400, 401, 403, 404, 413, 415, 422),
  },
});
const list = createRoute({
  method: 'get',
  path: projectAssets,
  tags: ['assets'],
  summary: 'Assets of a project, newest first (filter by kind, cursor paginated)',
  security: bearerSecurity,
  request: { params: projectParamsSchema, query: listAssetsQuerySchema },
  responses: {
    200: { description: 'A page of assets', content: { 'application/json': { schema: assetPageSchema } } },
    ...errorsFor(400, 401, 404),
  },
});
const get = createRoute({
  method: 'get',
  path: oneAsset,
  tags: ['assets'],
  summary: 'One asset with signed content and thumbnail URLs',
  security: bearerSecurity,
  request: { params: assetParamsSchema },
  responses: { 200: { description: 'The asset', content: assetJson }, ...errorsFor(400, 401, 404) },
});
const remove = createRoute({
  method: 'delete',
  path: oneAsset,
  tags: ['assets'],
  summary: 'Delete an asset and its stored files (owner, editor)',
  security: bearerSecurity,
  request: { params: assetParamsSchema },
  responses: { 204: { description: 'Deleted' }, ...errorsFor(400, 401, 403, 404) },
});

/** Assets: streaming upload, list, get (with signed URLs), delete. */
export function assetRoutes(deps: AppDeps) {
  const { sql, blobStore: store } = deps;
  const limits = resolveUploadLimits(deps.uploadLimits);
  const ttlSec = deps.assetUrlTtlSec ?? DEFAULT_ASSET_URL_TTL_SEC;
  const view = (row: AssetRow) => toAsset(row, { secret: deps.jwtSecret, publicUrl: deps.publicUrl, ttlSec });
  const ipOf = (c: Context<AppEnv>) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);
  const largest = Math.max(...Object.values(limits.maxBytes));
  /** Multipart framing and a name field add a little to the file itself. */
  const ENVELOPE_BYTES = 64 * 1024;

  /** The asset row if the caller may `permission` in its project; 404 for strangers (no leaks). */
  async function loadAuthorized(c: Context<AppEnv>, id: string, permission: 'assets:read' | 'assets:delete') {
    const rows = await sql.unsafe<AssetRow[]>(
      `select ${SELECT_ASSET} from assets where id = $1 and deleted_at is null`,
      [id],
    );
    const row = rows[0];
    if (!row) throw notFound('Asset');
    await authorizeProject(sql, row.project_id, currentUserId(c), permission).catch((err: unknown) => {
      // Not a member of the asset's project: say "asset not found", not "project not found".
      if ((err as { status?: number }).status === 404) throw notFound('Asset');
      throw err;
    });
    return row;
  }

  const router = createRouter();
  router.use(`${API_PREFIX}/projects/:id/assets`, requireUser(deps));
  router.use(`${API_PREFIX}/assets/:id`, requireUser(deps));

  // The upload is registered for the OpenAPI document only: a zod body validator would buffer the
  // whole multipart body, and this route must stream it.
  router.openAPIRegistry.registerPath(upload);
  router.post(`${API_PREFIX}/projects/:id/assets`, async (c) => {
    const projectId = projectParamsSchema.parse({ id: c.req.param('id') }).id;
    const userId = currentUserId(c);
    await authorizeProject(sql, projectId, userId, 'assets:write');
    const declared = Number(c.req.header('content-length') ?? 'NaN');
    if (declared > largest + ENVELOPE_BYTES)
      throw payloadTooLarge(`Uploads may be at most ${largest} bytes.`);
    const boundary = multipartBoundary(c.req.header('content-type'));
    if (!c.req.raw.body) throw badRequest('The upload has no body.');

    const assetId = crypto.randomUUID();
    const { key, thumbKey } = assetKeys(projectId, assetId);
    let wrote = false;
    try {
      for await (const part of parseMultipart(c.req.raw.body, boundary)) {
        if (part.name !== 'file' || part.filename === undefined) continue;
        const originalName = sanitizeFilename(part.filename);
        wrote = true;
        const stored = await storeUpload(store, key, part.body, limits);
        const row = await finishUpload(deps, {
          projectId,
          userId,
          assetId,
          key,
          thumbKey,
          stored,
          originalName,
          maxImagePixels: limits.maxImagePixels,
          ip: ipOf(c),
        });
        return c.json(await view(row), 201);
      }
    } catch (err) {
      // Bad uploads leave nothing behind: no original, no thumbnail (and no row: the insert is last).
      if (wrote) await Promise.allSettled([store.delete(key), store.delete(thumbKey)]);
      throw err;
    }
    throw badRequest('The upload has no "file" part with a file name.');
  });

  router.openapi(list, async (c) => {
    const { id } = c.req.valid('param');
    const { limit, cursor: rawCursor, kind } = c.req.valid('query');
    await authorizeProject(sql, id, currentUserId(c), 'assets:read');
    const cursor = decodeCursor(rawCursor);
    const rows = await sql<AssetRow[]>`
      select ${sql.unsafe(SELECT_ASSET)} from assets
      where project_id = ${id} and deleted_at is null
        ${kind ? sql`and kind = ${kind}` : sql``}
        ${cursor ? sql`and (created_at, id) < (${cursor.createdAt}::text::timestamptz, ${cursor.id}::uuid)` : sql``}
      order by created_at desc, id desc limit ${limit + 1}`;
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return c.json(
      {
        items: await Promise.all(page.map(view)),
        nextCursor:
          rows.length > limit && last ? encodeCursor({ createdAt: last.cursor_ts, id: last.id }) : null,
      },
      200,
    );
  });

  router.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await view(await loadAuthorized(c, id, 'assets:read')), 200);
  });

  router.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    const row = await loadAuthorized(c, id, 'assets:delete');
    const userId = currentUserId(c);
    await removeAsset(sql, store, id, (tx) =>
      writeAudit(tx, {
        projectId: row.project_id,
        actorId: userId,
        action: 'asset.delete',
        targetType: 'asset',
        targetId: id,
        details: { kind: row.kind, name: row.original_name },
        ip: ipOf(c),
      }),
    );
    return c.body(null, 204);
  });
  return router;
}
