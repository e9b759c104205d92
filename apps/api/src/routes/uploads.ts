import { uploadPartKey } from '@clapboard/server/assets';
import { API_PREFIX, projectParamsSchema, resumableUploadSchema, TUS } from '@clapboard/shared/api';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../app';
import type { AppEnv } from '../app-env';
import { sanitizeFilename } from '../assets/sanitize-filename';
import { SNIFF_BYTES, sniffType } from '../assets/sniff-type';
import { prependHead, readHead, UNSUPPORTED_TYPE_MESSAGE } from '../assets/store-upload';
import { resolveUploadLimits, type UploadLimits } from '../assets/upload-limits';
import { authorizeProject } from '../auth/authorize-project';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { requireUser } from '../auth/require-user';
import {
  badRequest,
  conflict,
  HttpError,
  notFound,
  payloadTooLarge,
  rateLimited,
  unsupportedMediaType,
} from '../errors/http-error';
import { assembleUpload } from '../uploads/assemble-upload';
import { deleteUpload } from '../uploads/delete-upload';
import { receiveChunk } from '../uploads/receive-chunk';
import { type ResumableLimits, resolveResumableLimits } from '../uploads/resumable-limits';
import {
  assertTusResumable,
  integerHeader,
  parseUploadChecksum,
  parseUploadMetadata,
  TUS_RESUMABLE,
  tusCapabilities,
} from '../uploads/tus-headers';
import { toResumableUpload, UPLOAD_COLUMNS, type UploadRow } from '../uploads/upload-row';
import { bearerSecurity, createRouter } from './create-router';
import { errorResponses, errorsFor } from './error-responses';

const uploadParams = z.object({ uploadId: z.string().uuid() });
const oneUpload = `${API_PREFIX}/uploads/{uploadId}`;
const tusHeaders = (extra: Record<string, z.ZodType>) =>
  z.object({ 'tus-resumable': z.literal(TUS.version), ...extra });
/** The header naming the asset a complete upload became (PATCH that completed it, HEAD after). */
export const ASSET_ID_HEADER = 'Clapboard-Asset-Id';

const tusErrors = {
  ...errorsFor(400, 401, 404, 409, 413, 415, 422, 429),
  410: { ...errorResponses[404], description: 'The upload expired (not finished in time) and is gone' },
  412: { ...errorResponses[400], description: 'Tus-Resumable is not 1.0.0 (see Tus-Version)' },
  460: { ...errorResponses[422], description: 'Checksum mismatch: nothing of this PATCH was kept' },
};

const options = createRoute({
  method: 'options',
  path: `${API_PREFIX}/uploads`,
  tags: ['uploads'],
  summary: 'tus discovery (public): version, extensions, largest upload, checksum algorithms',
  responses: { 204: { description: 'Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm' } },
});
const create = createRoute({
  method: 'post',
  path: `${API_PREFIX}/projects/{id}/uploads`,
  tags: ['uploads'],
  summary: 'Start a resumable upload (tus 1.0 creation; owners, editors)',
  description:
    'Headers: `Tus-Resumable: 1.0.0`, `Upload-Length` (bytes; video up to 4 GiB by default, other kinds ' +
    'their asset limit), optional `Upload-Metadata` (`filename`). Answers 201 with `Location` and ' +
    '`Upload-Expires`; 429 when the caller already has too many unfinished uploads. The type is ' +
    'decided from the first bytes, as for multipart uploads.',
  security: bearerSecurity,
  request: {
    params: projectParamsSchema,
    headers: tusHeaders({ 'upload-length': z.string(), 'upload-metadata': z.string().optional() }),
  },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: resumableUploadSchema } } },
    ...tusErrors,
  },
});
const head = createRoute({
  method: 'head',
  path: oneUpload,
  tags: ['uploads'],
  summary: 'Where to resume (tus core): Upload-Offset and Upload-Length of your upload',
  security: bearerSecurity,
  request: { params: uploadParams },
  responses: { 200: { description: 'Upload-Offset, Upload-Length, Upload-Expires' }, ...tusErrors },
});
const get = createRoute({
  method: 'get',
  path: oneUpload,
  tags: ['uploads'],
  summary: 'Your upload as JSON (offset, status, and the asset once complete)',
  security: bearerSecurity,
  request: { params: uploadParams },
  responses: {
    200: { description: 'The upload', content: { 'application/json': { schema: resumableUploadSchema } } },
    ...tusErrors,
  },
});
const patch = createRoute({
  method: 'patch',
  path: oneUpload,
  tags: ['uploads'],
  summary: 'Append bytes at Upload-Offset (tus core; checksum extension)',
  description:
    'Body `application/offset+octet-stream`. A body cut off by a dropped connection keeps what arrived ' +
    '(resume from the new offset), unless `Upload-Checksum` was sent: then the chunk is all or nothing, ' +
    'and a mismatch is 460. The PATCH that completes the upload answers once the file is an asset ' +
    '(its id in `Clapboard-Asset-Id`).',
  security: bearerSecurity,
  request: {
    params: uploadParams,
    headers: tusHeaders({ 'upload-offset': z.string(), 'upload-checksum': z.string().optional() }),
    body: {
      required: true,
      content: {
        [TUS.patchContentType]: { schema: z.string().openapi({ type: 'string', format: 'binary' }) },
      },
    },
  },
  responses: { 204: { description: 'Appended: the new Upload-Offset' }, ...tusErrors },
});
const terminate = createRoute({
  method: 'delete',
  path: oneUpload,
  tags: ['uploads'],
  summary: 'Cancel an upload and delete its bytes (tus termination)',
  security: bearerSecurity,
  request: { params: uploadParams, headers: tusHeaders({}) },
  responses: { 204: { description: 'Gone' }, ...tusErrors },
});

/** RFC 9110 HTTP-date, as `Upload-Expires` wants it. */
const httpDate = (d: Date) => d.toUTCString();

/**
 * Resumable uploads, tus 1.0 (core, creation, termination, expiration, checksum), written on
 * Web-standard Request/Response over the blob store rather than mounting `@tus/server`: its data
 * stores (file or S3) would be a second storage path beside ours, its locks are per process, it has
 * no checksum extension, and it could not sniff the first bytes or authorise per project. Here
 * every PATCH's bytes are one chunk object in the blob store, the offset lives in Postgres and only
 * moves by a guarded update, so any API instance (Node or edge) may take the next PATCH.
 */
export function uploadRoutes(
  deps: Pick<
    AppDeps,
    | 'sql'
    | 'blobStore'
    | 'probe'
    | 'jwtSecret'
    | 'redis'
    | 'redisPrefix'
    | 'revocations'
    | 'peerAddress'
    | 'trustProxy'
    | 'uploadLimits'
    | 'emitter'
  > & {
    resumableLimits?: Partial<ResumableLimits>;
  },
) {
  const { sql, blobStore: store } = deps;
  const resumable = resolveResumableLimits(deps.resumableLimits);
  const base = resolveUploadLimits(deps.uploadLimits);
  // Video (a lecture) may use the whole resumable limit; other kinds keep their own, capped by it.
  const limits: UploadLimits = {
    ...base,
    maxBytes: Object.fromEntries(
      Object.entries(base.maxBytes).map(([k, v]) => [
        k,
        k === 'video' ? resumable.maxBytes : Math.min(v, resumable.maxBytes),
      ]),
    ) as UploadLimits['maxBytes'],
  };
  const ipOf = (c: Context<AppEnv>) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);

  /** The caller's own upload; others' uploads do not exist for them (404), whatever their role. */
  async function loadOwn(c: Context<AppEnv>): Promise<UploadRow> {
    const { uploadId } = uploadParams.parse({ uploadId: c.req.param('uploadId') });
    const userId = currentUserId(c);
    const [row] = await sql.unsafe<UploadRow[]>(`select ${UPLOAD_COLUMNS} from uploads u where u.id = $1`, [
      uploadId,
    ]);
    if (!row || row.created_by !== userId) throw notFound('Upload');
    await authorizeProject(sql, row.project_id, userId, 'assets:write').catch((err: unknown) => {
      if (err instanceof HttpError && err.status === 404) throw notFound('Upload');
      throw err;
    });
    return row;
  }
  const gone = () =>
    new HttpError(410, 'gone', 'This upload expired before it was finished and its bytes were deleted.');
  /** Offset and expiry headers of an upload's state. */
  const stateHeaders = (r: UploadRow): Record<string, string> => ({
    ...TUS_RESUMABLE,
    'Upload-Offset': String(r.upload_offset),
    'Upload-Length': String(r.upload_length),
    'Cache-Control': 'no-store',
    ...(r.status === 'completed' ? {} : { 'Upload-Expires': httpDate(r.expires_at) }),
    ...(r.asset_id ? { [ASSET_ID_HEADER]: r.asset_id } : {}),
  });

  const router = createRouter();
  // Every tus answer, errors included, says which protocol it speaks.
  router.use(`${API_PREFIX}/uploads/*`, async (c, next) => {
    await next();
    c.res.headers.set('Tus-Resumable', TUS.version);
  });
  router.use(`${API_PREFIX}/projects/:id/uploads`, async (c, next) => {
    await next();
    c.res.headers.set('Tus-Resumable', TUS.version);
  });
  router.use(`${API_PREFIX}/projects/:id/uploads`, requireUser(deps));
  router.use(`${API_PREFIX}/uploads/:uploadId`, requireUser(deps));

  // Registered for the document only: the handlers read raw headers and stream bodies.
  for (const route of [options, create, head, get, patch, terminate])
    router.openAPIRegistry.registerPath(route);

  router.options(`${API_PREFIX}/uploads`, (c) => c.body(null, 204, tusCapabilities(resumable.maxBytes)));

  router.post(`${API_PREFIX}/projects/:id/uploads`, async (c) => {
    assertTusResumable(c.req.header('tus-resumable'));
    const projectId = projectParamsSchema.parse({ id: c.req.param('id') }).id;
    const userId = currentUserId(c);
    await authorizeProject(sql, projectId, userId, 'assets:write');
    if (c.req.header('upload-defer-length') !== undefined)
      throw badRequest('Upload-Defer-Length is not supported: send Upload-Length.');
    const length = integerHeader('Upload-Length', c.req.header('upload-length'));
    if (length < 1) throw badRequest('Upload-Length must be at least 1.');
    if (length > resumable.maxBytes)
      throw payloadTooLarge(`Uploads may be at most ${resumable.maxBytes} bytes.`);
    const metadata = parseUploadMetadata(c.req.header('upload-metadata'));
    const filename = metadata.filename ? sanitizeFilename(metadata.filename) : null;
    // One statement counts and inserts, so parallel creations cannot slip past the limit together.
    const [row] = await sql.unsafe<UploadRow[]>(
      `with open as (
         select count(*)::int as n from uploads
         where created_by = $2 and status <> 'completed' and expires_at > now()),
       u as (
         insert into uploads (project_id, created_by, upload_length, filename, expires_at)
         select $1, $2, $3, $4, now() + make_interval(secs => $5) from open where open.n < $6
         returning *)
       select ${UPLOAD_COLUMNS} from u`,
      [projectId, userId, length, filename, resumable.expirySec, resumable.maxOpenPerUser],
    );
    if (!row)
      throw rateLimited(
        60,
        `You already have ${resumable.maxOpenPerUser} unfinished uploads: finish or cancel one first.`,
      );
    return c.json(toResumableUpload(row), 201, {
      ...stateHeaders(row),
      Location: `${API_PREFIX}/uploads/${row.id}`,
    });
  });

  // GET answers JSON; Hono answers HEAD from it with the same headers and no body.
  router.get(`${API_PREFIX}/uploads/:uploadId`, async (c) => {
    if (c.req.method === 'HEAD') assertTusResumable(c.req.header('tus-resumable'));
    const row = await loadOwn(c);
    if (row.expired && row.status !== 'completed') throw gone();
    return c.json(toResumableUpload(row), 200, stateHeaders(row));
  });

  router.patch(`${API_PREFIX}/uploads/:uploadId`, async (c) => {
    assertTusResumable(c.req.header('tus-resumable'));
    if (c.req.header('content-type')?.split(';')[0]?.trim() !== TUS.patchContentType)
      throw unsupportedMediaType(`A PATCH body must be ${TUS.patchContentType}.`);
    const offset = integerHeader('Upload-Offset', c.req.header('upload-offset'));
    const checksum = parseUploadChecksum(c.req.header('upload-checksum'));
    let row = await loadOwn(c);
    if (row.status === 'completed' && offset === Number(row.upload_length))
      return c.body(null, 204, stateHeaders(row));
    if (row.status === 'assembling')
      throw conflict('This upload is complete and being turned into an asset; ask again shortly.');
    if (row.status === 'completed') throw conflict('This upload is already complete.');
    if (row.expired) throw gone();
    if (offset !== Number(row.upload_offset))
      throw new HttpError(
        409,
        'conflict',
        `Upload-Offset ${offset} does not match this upload's offset ${row.upload_offset}: HEAD it and resume there.`,
        { offset: Number(row.upload_offset) },
        { 'Upload-Offset': String(row.upload_offset) },
      );
    const missing = Number(row.upload_length) - offset;
    const body = c.req.raw.body;
    if (missing > 0 && body) {
      let stream: ReadableStream<Uint8Array> = body;
      let sniffed: { kind: string; mime: string } | null = null;
      if (offset === 0) {
        // The type is decided from the first bytes before anything is kept, as for every upload.
        const reader = body.getReader();
        const got = await readHead(reader, SNIFF_BYTES).catch(() => null);
        if (!got) return c.body(null, 204, stateHeaders(row)); // the client left before sending anything
        const need = Math.min(SNIFF_BYTES, missing);
        if (got.head.byteLength < need)
          throw badRequest(`The first PATCH must carry at least the first ${need} bytes.`);
        const type = sniffType(got.head);
        const limit = type ? limits.maxBytes[type.kind] : 0;
        if (!type || Number(row.upload_length) > limit) {
          await reader.cancel().catch(() => {});
          await deleteUpload(sql, store, row.id);
          if (!type) throw unsupportedMediaType(UNSUPPORTED_TYPE_MESSAGE);
          throw payloadTooLarge(`Files of kind ${type.kind} may be at most ${limit} bytes.`);
        }
        sniffed = type;
        stream = prependHead(got.head, got.ended, reader);
      }
      const key = uploadPartKey(row.project_id, row.id, offset, crypto.randomUUID());
      const received = await receiveChunk(store, key, stream, { maxBytes: missing, checksum });
      if (received.bytes > 0) {
        // The offset moves only from where this PATCH started: a racing PATCH that landed first wins.
        const [moved] = await sql.unsafe<UploadRow[]>(
          `with u as (
             update uploads set upload_offset = upload_offset + $3, updated_at = now(),
               expires_at = now() + make_interval(secs => $4),
               kind = coalesce(kind, $5), mime = coalesce(mime, $6)
             where id = $1 and upload_offset = $2 and status = 'open' and expires_at > now()
             returning *),
           c as (
             insert into upload_chunks (upload_id, start_offset, byte_size, storage_key)
             select id, $2, $3, $7 from u)
           select ${UPLOAD_COLUMNS} from u`,
          [
            row.id,
            offset,
            received.bytes,
            resumable.expirySec,
            sniffed?.kind ?? null,
            sniffed?.mime ?? null,
            key,
          ],
        );
        if (!moved) {
          await store.delete(key);
          throw conflict('Another PATCH moved this upload meanwhile: HEAD it and resume there.');
        }
        row = moved;
      }
    }
    if (Number(row.upload_offset) === Number(row.upload_length)) {
      const [claimed] = await sql.unsafe<UploadRow[]>(
        `with u as (
           update uploads set status = 'assembling', updated_at = now()
           where id = $1 and status = 'open' and upload_offset = upload_length returning *)
         select ${UPLOAD_COLUMNS} from u`,
        [row.id],
      );
      if (claimed) {
        const asset = await assembleUpload(deps, claimed, limits, {
          ip: ipOf(c),
          expirySec: resumable.expirySec,
        });
        return c.body(null, 204, {
          ...stateHeaders({ ...claimed, status: 'completed', asset_id: asset.id }),
        });
      }
    }
    return c.body(null, 204, stateHeaders(row));
  });

  router.delete(`${API_PREFIX}/uploads/:uploadId`, async (c) => {
    assertTusResumable(c.req.header('tus-resumable'));
    const row = await loadOwn(c);
    if (row.status === 'assembling')
      throw conflict(
        'This upload is complete and being turned into an asset; it can no longer be cancelled.',
      );
    // A finished upload's asset stays (delete it as an asset); only the upload's record goes.
    await deleteUpload(sql, store, row.id);
    return c.body(null, 204, TUS_RESUMABLE);
  });
  return router;
}
