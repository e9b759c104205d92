import type { RenderCut, RenderDeliverableSource } from '@clapboard/shared/deliverables';
import type { JobOutput } from '@clapboard/shared/jobs';
import { renderScenes, renderVideoValueSchema } from '@clapboard/shared/render-result';
import type { Sql } from '../db';
import type { BlobStore } from '../storage';
import { type CommentMarkerRow, commentMarkers } from './comment-markers';

/** Most review comments one list carries as markers (oldest first). */
export const MAX_RENDER_MARKERS = 1000;
/** Largest subtitle file read back (bytes); a render's are a few kilobytes. */
const MAX_SUBTITLE_BYTES = 5 * 1024 * 1024;

/** A completed render job as the loader needs it (a `jobs` row's fields). */
export interface CompletedRender {
  id: string;
  project_id: string;
  outputs: JobOutput[];
}

async function readText(
  sql: Sql,
  store: BlobStore,
  projectId: string,
  assetId: string | undefined,
): Promise<string | null> {
  if (!assetId) return null;
  const [row] = await sql<{ storage_key: string }[]>`
    select storage_key from assets where id = ${assetId} and project_id = ${projectId} and deleted_at is null`;
  const obj = row ? await store.get(row.storage_key) : null;
  if (!obj) return null;
  if (obj.size > MAX_SUBTITLE_BYTES) throw new Error(`Subtitle asset ${assetId} is ${obj.size} bytes.`);
  return new Response(obj.body).text();
}

/**
 * Everything the deliverables of a completed render are built from: its scenes with their spans
 * (recorded by the render, or laid out from its shots for renders made before spans were
 * recorded), the project's name, the review comments pointing into it, and the subtitle files it
 * stored. The caller has checked the job is a completed `render.video` the user may read.
 *
 * @throws Error when the render's video output is missing or does not parse (a broken row)
 */
export async function loadRenderDeliverableSource(
  sql: Sql,
  store: BlobStore,
  job: CompletedRender,
): Promise<RenderDeliverableSource> {
  const output = (name: string) => job.outputs.find((o) => o.name === name);
  const video = output('video');
  const value = renderVideoValueSchema.parse(video?.value);
  const [[project], [asset]] = await Promise.all([
    sql<{ name: string }[]>`select name from projects where id = ${job.project_id}`,
    sql<
      { original_name: string | null }[]
    >`select original_name from assets where id = ${video?.assetId ?? null}`,
  ]);
  const cut: Omit<RenderCut, 'markers'> = {
    title: project?.name ?? '',
    jobId: job.id,
    versionId: value.versionId,
    media: {
      name: asset?.original_name ?? 'render.mp4',
      durationSec: value.durationSec,
      width: value.width,
      height: value.height,
      fps: value.fps,
    },
    scenes: renderScenes(value).map((s) => ({
      sceneId: s.sceneId,
      heading: s.heading,
      startSec: s.startFrame / value.fps,
      endSec: s.endFrame / value.fps,
    })),
  };
  const rows = await sql<CommentMarkerRow[]>`
    select c.body, c.anchor, c.scene_id, c.resolved_at, u.name as author_name
    from comments c left join users u on u.id = c.author_id
    where c.project_id = ${job.project_id} and c.deleted_at is null and c.parent_id is null
    order by c.created_at, c.id
    limit ${MAX_RENDER_MARKERS}`;
  const [srt, vtt] = await Promise.all([
    readText(sql, store, job.project_id, output('subtitles.srt')?.assetId),
    readText(sql, store, job.project_id, output('subtitles.vtt')?.assetId),
  ]);
  return { cut: { ...cut, markers: commentMarkers(rows, cut, job.id) }, subtitles: { srt, vtt } };
}
