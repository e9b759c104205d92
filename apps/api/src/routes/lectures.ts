import type { Sql } from '@clapboard/server/db';
import { loadDocumentState } from '@clapboard/server/documents';
import { emitProjectEvent } from '@clapboard/server/jobs';
import { API_PREFIX, projectParamsSchema } from '@clapboard/shared/api';
import { DOC_KEYS } from '@clapboard/shared/document';
import {
  candidatesSchema,
  createLectureBodySchema,
  DEFAULT_SIGNAL_WEIGHTS,
  HIGHLIGHT_OUTPUTS,
  LECTURE_LIMITS,
  type Lecture,
  layoutResultSchema,
  lectureClipsResponseSchema,
  lecturePageSchema,
  lectureSchema,
  listLecturesQuerySchema,
  rankCandidates,
  rankedCandidatesResponseSchema,
  readSteering,
  SIGNALS,
  speechRegionsSchema,
  topicsResultSchema,
  transcriptSchema,
  updateLectureBodySchema,
} from '@clapboard/shared/highlights';
import type { Permission } from '@clapboard/shared/permissions';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import * as Y from 'yjs';
import type { AppDeps } from '../app';
import type { AppEnv } from '../app-env';
import { toAsset } from '../assets/asset-view';
import { writeAudit } from '../audit/write-audit';
import { authorizeProject } from '../auth/authorize-project';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { requireUser } from '../auth/require-user';
import { HttpError, notFound, unprocessable } from '../errors/http-error';
import {
  analysisAsset,
  completedJobs,
  projectAssets,
  readAnalysisResult,
} from '../lectures/analysis-results';
import { type LectureRow, lectureColumns, toLecture } from '../lectures/lecture-view';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { renameTitled, softDeleteTitled } from '../projects/titled-resources';
import { DEFAULT_ASSET_URL_TTL_SEC } from './assets';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';

const lectureParams = z.object({ lectureId: z.string().uuid() });
const lectureJson = { 'application/json': { schema: lectureSchema } };
const projectLectures = `${API_PREFIX}/projects/{id}/lectures`;
const oneLecture = `${API_PREFIX}/lectures/{lectureId}`;
/** Most `highlights.clips` jobs `/clips` lists (newest first). */
const CLIP_JOBS_LISTED = 20;

export type LectureRouteDeps = Pick<
  AppDeps,
  | 'sql'
  | 'jwtSecret'
  | 'redis'
  | 'redisPrefix'
  | 'revocations'
  | 'emitter'
  | 'peerAddress'
  | 'trustProxy'
  | 'blobStore'
  | 'publicUrl'
  | 'assetUrlTtlSec'
>;

/** The live lecture `lectureId` and the caller's check on its project; strangers get 404. */
async function authorizeLecture(sql: Sql, lectureId: string, userId: string, permission: Permission) {
  const [row] = await sql<LectureRow[]>`
    select ${lectureColumns(sql)} from lectures l where l.id = ${lectureId} and l.deleted_at is null`;
  if (!row) throw notFound('Lecture');
  try {
    await authorizeProject(sql, row.project_id, userId, permission);
  } catch (err) {
    // A lecture of a project the caller cannot see does not exist for them.
    if (err instanceof HttpError && err.status === 404) throw notFound('Lecture');
    throw err;
  }
  return row;
}

/**
 * Checks that `assetId` is a live video of the project within LECTURE_LIMITS. Another project's
 * asset reads exactly like a missing one (no existence leak).
 */
async function assertLectureVideo(sql: Sql, projectId: string, assetId: string) {
  const [asset] = await projectAssets(sql, projectId, [assetId]);
  if (!asset)
    throw unprocessable('The asset is not a file of this project (upload the lecture video first).');
  if (asset.kind !== 'video')
    throw unprocessable(`A lecture must be a video; this asset is ${asset.kind}.`, { kind: asset.kind });
  if (asset.byte_size > LECTURE_LIMITS.maxBytes)
    throw unprocessable(`A lecture video may be at most ${LECTURE_LIMITS.maxBytes} bytes.`);
  if (asset.duration_sec === null)
    throw unprocessable('This video has no readable duration; re-encode it and upload it again.');
  if (asset.duration_sec > LECTURE_LIMITS.maxDurationSec)
    throw unprocessable(`A lecture may be at most ${LECTURE_LIMITS.maxDurationSec / 3600} hours long.`, {
      durationSec: asset.duration_sec,
    });
  return asset;
}

/** The team's current weights for the lecture, read from the project document (defaults filled in). */
async function teamWeights(sql: Sql, lecture: LectureRow) {
  const { state } = await loadDocumentState(sql, lecture.project_id);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const map = doc.getMap(DOC_KEYS.highlights).get(lecture.id);
  const { weights } = readSteering(map instanceof Y.Map ? map.toJSON() : undefined);
  doc.destroy();
  return Object.fromEntries(SIGNALS.map((s) => [s, weights[s] ?? DEFAULT_SIGNAL_WEIGHTS[s]])) as Record<
    (typeof SIGNALS)[number],
    number
  >;
}

const SUBTITLE_TYPES = {
  srt: { output: HIGHLIGHT_OUTPUTS.srt, mime: 'application/x-subrip; charset=utf-8' },
  vtt: { output: HIGHLIGHT_OUTPUTS.vtt, mime: 'text/vtt; charset=utf-8' },
} as const;

const resultRoute = (path: string, summary: string, schema: z.ZodType) =>
  createRoute({
    method: 'get',
    path: `${oneLecture}/${path}`,
    tags: ['lectures'],
    summary,
    security: bearerSecurity,
    request: { params: lectureParams },
    responses: {
      200: { description: 'The result', content: { 'application/json': { schema } } },
      ...errorsFor(400, 401, 404),
    },
  });

const transcriptQuery = z.object({ format: z.enum(['json', 'srt', 'vtt']).default('json') });
const transcriptContent = {
  'application/json': { schema: transcriptSchema },
  'application/x-subrip': { schema: z.string() },
  'text/vtt': { schema: z.string() },
};
const transcriptRoute = (suffix: string, summary: string, withQuery: boolean) =>
  createRoute({
    method: 'get',
    path: `${oneLecture}/${suffix}`,
    tags: ['lectures'],
    summary,
    security: bearerSecurity,
    request: withQuery ? { params: lectureParams, query: transcriptQuery } : { params: lectureParams },
    responses: {
      200: { description: 'The transcript', content: transcriptContent },
      ...errorsFor(400, 401, 404),
    },
  });

/**
 * Lectures: a row per uploaded lecture video (create, list, rename, soft delete; audited and
 * broadcast as `lecture:*` on `project:<id>`), and the results of its analysis: the JSON each step
 * of its newest completed `highlights.extract` job stored (speech, transcript with SRT/VTT
 * sidecars, layout, topics, candidates) and the clips of its `highlights.clips` jobs.
 *
 * `/candidates` is ranked with `rankCandidates` and the team's current weights from the project
 * document (`highlights` → lecture id), so the API answers with the order the studio shows; the
 * weights used come back beside the ranking.
 */
export function lectureRoutes(deps: LectureRouteDeps) {
  const { sql } = deps;
  const ttlSec = deps.assetUrlTtlSec ?? DEFAULT_ASSET_URL_TTL_SEC;
  const ipOf = (c: Context<AppEnv>) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);
  const emit = (name: 'lecture:created' | 'lecture:updated' | 'lecture:deleted', lecture: Lecture) =>
    deps.emitter &&
    emitProjectEvent(deps.emitter, {
      projectId: lecture.projectId,
      type: name,
      payload: { lecture },
      at: new Date().toISOString(),
    });
  const readable = (c: Context<AppEnv>) =>
    authorizeLecture(
      sql,
      lectureParams.parse({ lectureId: c.req.param('lectureId') }).lectureId,
      currentUserId(c),
      'project:read',
    );

  const router = createRouter();
  router.use(`${API_PREFIX}/projects/:id/lectures`, requireUser(deps));
  router.use(`${API_PREFIX}/lectures/*`, requireUser(deps));

  router.openapi(
    createRoute({
      method: 'post',
      path: projectLectures,
      tags: ['lectures'],
      summary: 'Create a lecture from an uploaded video of the project (owners, editors)',
      description: `The asset must be a live video of the project, at most ${LECTURE_LIMITS.maxBytes} bytes and ${LECTURE_LIMITS.maxDurationSec} s (422 otherwise).`,
      security: bearerSecurity,
      request: {
        params: projectParamsSchema,
        body: { required: true, content: { 'application/json': { schema: createLectureBodySchema } } },
      },
      responses: {
        201: { description: 'Created', content: lectureJson },
        ...errorsFor(400, 401, 403, 404, 422),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { title, assetId } = c.req.valid('json');
      const userId = currentUserId(c);
      await authorizeProject(sql, id, userId, 'lectures:write');
      const asset = await assertLectureVideo(sql, id, assetId);
      const row = await sql.begin(async (tx) => {
        const [r] = await tx<LectureRow[]>`
          with l as (
            insert into lectures (project_id, title, asset_id, duration_sec, created_by)
            values (${id}, ${title}, ${assetId}, ${asset.duration_sec}, ${userId}) returning *)
          select ${lectureColumns(sql)} from l`;
        await writeAudit(tx, {
          projectId: id,
          actorId: userId,
          action: 'lecture.create',
          targetType: 'lecture',
          targetId: r!.id,
          details: { title, assetId },
          ip: ipOf(c),
        });
        return r!;
      });
      const lecture = toLecture(row);
      emit('lecture:created', lecture);
      return c.json(lecture, 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: projectLectures,
      tags: ['lectures'],
      summary: "A project's lectures, newest first (cursor paginated)",
      security: bearerSecurity,
      request: { params: projectParamsSchema, query: listLecturesQuerySchema },
      responses: {
        200: {
          description: 'A page of lectures',
          content: { 'application/json': { schema: lecturePageSchema } },
        },
        ...errorsFor(400, 401, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { limit, cursor: raw } = c.req.valid('query');
      await authorizeProject(sql, id, currentUserId(c), 'project:read');
      const after = decodeCursor(raw);
      // Keyset over (created_at, id) at Postgres' full precision (see pagination/cursor.ts).
      const rows = await sql<LectureRow[]>`
        select ${lectureColumns(sql)} from lectures l
        where l.project_id = ${id} and l.deleted_at is null
          ${after ? sql`and (l.created_at, l.id) < (${after.createdAt}::text::timestamptz, ${after.id}::uuid)` : sql``}
        order by l.created_at desc, l.id desc
        limit ${limit + 1}`;
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      const nextCursor =
        rows.length > limit && last ? encodeCursor({ createdAt: last.cursor_ts, id: last.id }) : null;
      return c.json({ items: items.map(toLecture), nextCursor }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: oneLecture,
      tags: ['lectures'],
      summary: 'One lecture (its video asset and newest analysis job)',
      security: bearerSecurity,
      request: { params: lectureParams },
      responses: { 200: { description: 'The lecture', content: lectureJson }, ...errorsFor(400, 401, 404) },
    }),
    async (c) => c.json(toLecture(await readable(c)), 200),
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: oneLecture,
      tags: ['lectures'],
      summary: 'Rename a lecture (owners, editors)',
      security: bearerSecurity,
      request: {
        params: lectureParams,
        body: { required: true, content: { 'application/json': { schema: updateLectureBodySchema } } },
      },
      responses: { 200: { description: 'Renamed', content: lectureJson }, ...errorsFor(400, 401, 403, 404) },
    }),
    async (c) => {
      const { lectureId } = c.req.valid('param');
      const { title } = c.req.valid('json');
      const userId = currentUserId(c);
      const before = await authorizeLecture(sql, lectureId, userId, 'lectures:write');
      const row = await renameTitled<LectureRow>(sql, {
        table: 'lectures',
        id: lectureId,
        title,
        before: before.title,
        label: 'Lecture',
        columns: lectureColumns,
        audit: { actorId: userId, action: 'lecture.rename', targetType: 'lecture', ip: ipOf(c) },
      });
      const lecture = toLecture(row);
      emit('lecture:updated', lecture);
      return c.json(lecture, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: oneLecture,
      tags: ['lectures'],
      summary: 'Delete a lecture (owners, editors; soft delete, audited); its video asset stays',
      security: bearerSecurity,
      request: { params: lectureParams },
      responses: { 204: { description: 'Deleted' }, ...errorsFor(400, 401, 403, 404) },
    }),
    async (c) => {
      const { lectureId } = c.req.valid('param');
      const userId = currentUserId(c);
      const row = await authorizeLecture(sql, lectureId, userId, 'lectures:write');
      await softDeleteTitled(sql, {
        table: 'lectures',
        id: lectureId,
        projectId: row.project_id,
        title: row.title,
        label: 'Lecture',
        audit: { actorId: userId, action: 'lecture.delete', targetType: 'lecture', ip: ipOf(c) },
      });
      emit('lecture:deleted', toLecture(row));
      return c.body(null, 204);
    },
  );

  // ---------- results of the newest completed analysis ----------

  /** Streams a subtitle sidecar of the analysis as a download named after the lecture. */
  async function subtitles(c: Context<AppEnv>, lecture: LectureRow, format: 'srt' | 'vtt') {
    const type = SUBTITLE_TYPES[format];
    const { asset } = await analysisAsset(sql, lecture, type.output, `${format.toUpperCase()} subtitles`);
    const object = await deps.blobStore.get(asset.storage_key);
    if (!object) throw new Error(`subtitle asset ${asset.id} has no stored bytes`);
    const name = lecture.title.replace(/[^\w .-]+/g, '_').slice(0, 100) || 'lecture';
    return c.body(object.body, 200, {
      'content-type': type.mime,
      'content-length': String(object.size),
      'content-disposition': `attachment; filename="${name}.${format}"`,
      'cache-control': 'private, no-cache',
    });
  }
  const transcriptDoc = transcriptRoute(
    'transcript',
    'Transcript with word timings (JSON), or `?format=srt|vtt` for subtitles',
    true,
  );
  const srtDoc = transcriptRoute('transcript.srt', 'Transcript as SubRip subtitles (download)', false);
  const vttDoc = transcriptRoute('transcript.vtt', 'Transcript as WebVTT subtitles (download)', false);
  // Registered for the document: these answer JSON or a text download depending on the format.
  for (const route of [transcriptDoc, srtDoc, vttDoc]) router.openAPIRegistry.registerPath(route);
  router.get(`${API_PREFIX}/lectures/:lectureId/transcript`, async (c) => {
    const { format } = transcriptQuery.parse({ format: c.req.query('format') });
    const lecture = await readable(c);
    if (format !== 'json') return subtitles(c, lecture, format);
    const { value } = await readAnalysisResult(
      deps,
      lecture,
      HIGHLIGHT_OUTPUTS.transcript,
      'transcript',
      transcriptSchema,
    );
    return c.json(value, 200);
  });
  router.get(`${API_PREFIX}/lectures/:lectureId/transcript.srt`, async (c) =>
    subtitles(c, await readable(c), 'srt'),
  );
  router.get(`${API_PREFIX}/lectures/:lectureId/transcript.vtt`, async (c) =>
    subtitles(c, await readable(c), 'vtt'),
  );

  router.openapi(
    resultRoute('speech', 'Speech and silence regions (voice activity)', speechRegionsSchema),
    async (c) => {
      const lecture = await readable(c);
      const { value } = await readAnalysisResult(
        deps,
        lecture,
        HIGHLIGHT_OUTPUTS.speech,
        'speech regions',
        speechRegionsSchema,
      );
      return c.json(value, 200);
    },
  );
  router.openapi(
    resultRoute(
      'layout',
      'Layout spans: slide, speaker or picture-in-picture, with their regions',
      layoutResultSchema,
    ),
    async (c) => {
      const lecture = await readable(c);
      const { value } = await readAnalysisResult(
        deps,
        lecture,
        HIGHLIGHT_OUTPUTS.layout,
        'layout',
        layoutResultSchema,
      );
      return c.json(value, 200);
    },
  );
  router.openapi(
    resultRoute('topics', 'Topic segments with their keyphrases', topicsResultSchema),
    async (c) => {
      const lecture = await readable(c);
      const { value } = await readAnalysisResult(
        deps,
        lecture,
        HIGHLIGHT_OUTPUTS.topics,
        'topics',
        topicsResultSchema,
      );
      return c.json(value, 200);
    },
  );
  router.openapi(
    resultRoute(
      'candidates',
      "Candidate clips ranked with the team's current weights, each with per-signal contributions and reasons",
      rankedCandidatesResponseSchema,
    ),
    async (c) => {
      const lecture = await readable(c);
      const [{ value, job, asset }, weights] = await Promise.all([
        readAnalysisResult(deps, lecture, HIGHLIGHT_OUTPUTS.candidates, 'candidates', candidatesSchema),
        teamWeights(sql, lecture),
      ]);
      return c.json(
        {
          source: { jobId: job.id, assetId: asset.id, finishedAt: job.finished_at?.toISOString() ?? null },
          weights,
          minClipSec: value.minClipSec,
          maxClipSec: value.maxClipSec,
          items: rankCandidates(value.candidates, weights),
        },
        200,
      );
    },
  );
  router.openapi(
    resultRoute(
      'clips',
      'Rendered clips (completed highlights.clips jobs, newest first) with signed download links',
      lectureClipsResponseSchema,
    ),
    async (c) => {
      const lecture = await readable(c);
      const jobs = await completedJobs(sql, lecture, 'highlights.clips', CLIP_JOBS_LISTED);
      const ids = jobs.flatMap((j) => j.outputs.flatMap((o) => (o.assetId ? [o.assetId] : [])));
      const assets = new Map((await projectAssets(sql, lecture.project_id, ids)).map((a) => [a.id, a]));
      const view = { secret: deps.jwtSecret, publicUrl: deps.publicUrl, ttlSec };
      const items = await Promise.all(
        jobs.map(async (j) => ({
          jobId: j.id,
          finishedAt: j.finished_at?.toISOString() ?? null,
          params: j.params,
          outputs: await Promise.all(
            j.outputs.flatMap((o) => {
              const asset = o.assetId ? assets.get(o.assetId) : undefined;
              return asset ? [toAsset(asset, view).then((a) => ({ name: o.name, asset: a }))] : [];
            }),
          ),
        })),
      );
      return c.json({ items }, 200);
    },
  );
  return router;
}
