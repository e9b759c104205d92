import { assetKeys } from '@clapboard/server/assets';
import { hmacKey, TOKEN_ISSUER } from '@clapboard/server/tickets';
import {
  API_PREFIX,
  assetSchema,
  directUploadCompleteSchema,
  directUploadRequestSchema,
  directUploadSchema,
  projectParamsSchema,
} from '@clapboard/shared/api';
import { createRoute, z } from '@hono/zod-openapi';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { AppDeps } from '../app';
import { toAsset } from '../assets/asset-view';
import { finishUpload } from '../assets/finish-upload';
import { meterStream } from '../assets/metered-stream';
import { sanitizeFilename } from '../assets/sanitize-filename';
import { SNIFF_BYTES, sniffType } from '../assets/sniff-type';
import { UNSUPPORTED_TYPE_MESSAGE } from '../assets/store-upload';
import { resolveUploadLimits } from '../assets/upload-limits';
import { authorizeProject } from '../auth/authorize-project';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { requireUser } from '../auth/require-user';
import {
  conflict,
  forbidden,
  gone,
  HttpError,
  payloadTooLarge,
  unprocessable,
  unsupportedMediaType,
} from '../errors/http-error';
import { bearerSecurity, createRouter, jsonBody } from './create-router';
import { errorsFor } from './error-responses';

const AUDIENCE = 'clapboard-direct-upload';
/** How long a presigned PUT (and its completion token) stays valid. */
export const DIRECT_UPLOAD_TTL_SEC = 3600;

const presign = createRoute({
  method: 'post',
  path: `${API_PREFIX}/projects/{id}/assets/direct-uploads`,
  tags: ['assets'],
  summary:
    'Start an upload that goes straight to storage (owner, editor): a presigned PUT for exactly this size and type. 501 when the server keeps files itself (upload with POST /projects/{id}/assets then)',
  security: bearerSecurity,
  request: { params: projectParamsSchema, ...jsonBody(directUploadRequestSchema) },
  responses: {
    201: {
      description: 'Where to PUT the file',
      content: { 'application/json': { schema: directUploadSchema } },
    },
    ...errorsFor(400, 401, 403, 404, 413, 501),
  },
});
const complete = createRoute({
  method: 'post',
  path: `${API_PREFIX}/projects/{id}/assets/direct-uploads/complete`,
  tags: ['assets'],
  summary:
    'Finish a direct upload: the stored file is typed by its content, size-checked, hashed and probed, and becomes an asset (409 until it was PUT)',
  security: bearerSecurity,
  request: { params: projectParamsSchema, ...jsonBody(directUploadCompleteSchema) },
  responses: {
    201: { description: 'The asset', content: { 'application/json': { schema: assetSchema } } },
    ...errorsFor(400, 401, 403, 404, 409, 410, 413, 415, 422, 501),
  },
});

const tokenClaims = z.object({
  sub: z.string().uuid(),
  pid: z.string().uuid(),
  aid: z.string().uuid(),
  size: z.number().int().positive(),
  name: z.string().nullable(),
});

/**
 * Uploads that skip the API (what the edge entry needs: a Worker cannot take a 2 GB body): the API
 * signs a PUT to storage for one exact size and type and a completion token naming the project,
 * the asset id and the uploader; the browser PUTs the bytes to the bucket; completion reads the
 * stored object back, types it by content, checks the size against the token and the kind's
 * limit, hashes it and probes it (the same `finishUpload` as a streamed upload), and only then
 * writes the asset row. A refused file is deleted from the bucket.
 */
export function directUploadRoutes(deps: AppDeps) {
  const { sql, blobStore: store } = deps;
  const limits = resolveUploadLimits(deps.uploadLimits);
  const largest = Math.max(...Object.values(limits.maxBytes));
  const ttlSec = deps.assetUrlTtlSec ?? DIRECT_UPLOAD_TTL_SEC;
  const keyOf = () => hmacKey(deps.jwtSecret, 'direct-upload');
  const notHere = () =>
    new HttpError(
      501,
      'not_implemented',
      'This server keeps uploaded files itself; upload with POST /api/v1/projects/{id}/assets instead.',
    );

  const router = createRouter();
  router.use(`${API_PREFIX}/projects/:id/assets/direct-uploads`, requireUser(deps));
  router.use(`${API_PREFIX}/projects/:id/assets/direct-uploads/*`, requireUser(deps));

  router.openapi(presign, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const userId = currentUserId(c);
    await authorizeProject(sql, id, userId, 'assets:write');
    if (!store.presignPut) throw notHere();
    if (body.byteSize > largest) throw payloadTooLarge(`Uploads may be at most ${largest} bytes.`);
    const assetId = crypto.randomUUID();
    const { key } = assetKeys(id, assetId);
    const expiresAt = new Date(Date.now() + DIRECT_UPLOAD_TTL_SEC * 1000);
    const uploadUrl = await store.presignPut(key, {
      expiresInSec: DIRECT_UPLOAD_TTL_SEC,
      contentType: body.contentType,
      contentLength: body.byteSize,
    });
    // Remembered until completed, so the upload sweep can remove an object nobody completes.
    await sql`
      insert into direct_uploads (asset_id, project_id, created_by, storage_key, expires_at)
      values (${assetId}, ${id}, ${userId}, ${key}, ${expiresAt})`;
    const uploadToken = await new SignJWT({
      pid: id,
      aid: assetId,
      size: body.byteSize,
      name: sanitizeFilename(body.fileName),
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(await keyOf());
    return c.json(
      {
        uploadUrl,
        method: 'PUT' as const,
        headers: { 'content-type': body.contentType, 'content-length': String(body.byteSize) },
        uploadToken,
        expiresAt: expiresAt.toISOString(),
      },
      201,
    );
  });

  router.openapi(complete, async (c) => {
    const { id } = c.req.valid('param');
    const userId = currentUserId(c);
    await authorizeProject(sql, id, userId, 'assets:write');
    if (!store.presignPut) throw notHere();
    let claims: z.infer<typeof tokenClaims>;
    try {
      const { payload } = await jwtVerify(c.req.valid('json').uploadToken, await keyOf(), {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['exp', 'sub'],
      });
      claims = tokenClaims.parse(payload);
    } catch (err) {
      throw unprocessable(
        err instanceof joseErrors.JWTExpired
          ? 'This upload expired; start it again.'
          : 'This upload token is not valid.',
      );
    }
    // A token is the uploader's, for one project: nobody else can turn its object into an asset.
    if (claims.sub !== userId || claims.pid !== id)
      throw forbidden('This upload was started by someone else.');
    const { key, thumbKey } = assetKeys(id, claims.aid);
    const [existing] = await sql`select 1 from assets where id = ${claims.aid}`;
    if (existing) throw conflict('This upload was already completed.');
    const [pending] = await sql`select 1 from direct_uploads where asset_id = ${claims.aid}`;
    if (!pending) throw gone('This upload expired and its file was removed; start it again.');
    const head = await store.head(key);
    if (!head)
      throw conflict('Nothing was uploaded for this token yet: PUT the file to its uploadUrl first.');
    const forget = () => sql`delete from direct_uploads where asset_id = ${claims.aid}`;
    const refuse = async (err: HttpError) => {
      await store.delete(key);
      await forget();
      throw err;
    };
    if (head.size !== claims.size)
      return refuse(
        unprocessable(`The stored file has ${head.size} bytes, not the ${claims.size} announced.`),
      );
    const first = await store.get(key, { start: 0, end: Math.min(SNIFF_BYTES, head.size) - 1 });
    const sniffed = first ? new Uint8Array(await new Response(first.body).arrayBuffer()) : new Uint8Array();
    const type = sniffType(sniffed);
    if (!type) return refuse(unsupportedMediaType(UNSUPPORTED_TYPE_MESSAGE));
    const maxBytes = limits.maxBytes[type.kind];
    if (head.size > maxBytes)
      return refuse(payloadTooLarge(`Files of kind ${type.kind} may be at most ${maxBytes} bytes.`));
    // Hash what is stored (what a download serves), reading it once.
    const whole = await store.get(key);
    const { stream, meter } = meterStream(whole!.body, maxBytes, 'too large');
    await new Response(stream).arrayBuffer().catch(() => {});
    try {
      const row = await finishUpload(deps, {
        projectId: id,
        userId,
        assetId: claims.aid,
        key,
        thumbKey,
        stored: { type, byteSize: meter.bytes, sha256: meter.digest() },
        originalName: claims.name,
        maxImagePixels: limits.maxImagePixels,
        ip: clientIp(c, deps.peerAddress, deps.trustProxy ?? false),
        auditDetails: { direct: true },
      });
      await forget();
      return c.json(await toAsset(row, { secret: deps.jwtSecret, publicUrl: deps.publicUrl, ttlSec }), 201);
    } catch (err) {
      await Promise.allSettled([store.delete(key), store.delete(thumbKey), forget()]);
      throw err;
    }
  });
  return router;
}
