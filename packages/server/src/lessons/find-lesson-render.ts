import {
  type LessonChapter,
  lessonChaptersSchema,
  portraitLessonPayloadSchema,
} from '@clapboard/shared/lessons';
import type { Sql } from '../db/connect-db';
import type { JobRow } from '../jobs/job-row';
import { LessonRenderError } from './lesson-render-error';

/** One file a lesson render made (an asset of the project). */
export interface LessonRenderFile {
  assetId: string;
  storageKey: string;
  mime: string;
  byteSize: number;
  /** Seconds, for video; null when the asset row does not say. */
  durationSec: number | null;
  width: number | null;
  height: number | null;
}

/** A completed final `portrait.lesson` render, with what an export or a share link plays. */
export interface LessonRender {
  jobId: string;
  projectId: string;
  lessonId: string;
  lessonTitle: string;
  /** The document version the render pinned (it holds the lesson's content, quiz included). */
  versionId: string | null;
  video: LessonRenderFile;
  captions: LessonRenderFile | null;
  poster: LessonRenderFile | null;
  chapters: LessonChapter[];
}

interface AssetRow {
  id: string;
  storage_key: string;
  mime: string;
  byte_size: string | number;
  duration_sec: string | number | null;
  width: number | null;
  height: number | null;
}

const num = (v: string | number | null) => (v === null ? null : Number(v));

/**
 * Finds the lesson render `jobId` in `projectId` and checks it can be played: a `portrait.lesson`
 * job in mode `final`, completed, of a lesson that is not deleted (and, with `lessonId`, of that
 * lesson), whose video is still stored. One check for the export at submit, the export worker and
 * share links.
 *
 * @throws LessonRenderError saying which of these fails, in words for the user
 */
export async function findLessonRender(
  sql: Sql,
  where: { projectId: string; jobId: string; lessonId?: string },
): Promise<LessonRender> {
  const [job] = await sql<JobRow[]>`
    select * from jobs where id = ${where.jobId} and project_id = ${where.projectId}`;
  if (!job) throw new LessonRenderError('missing', 'There is no lesson render with that id in this project.');
  if (job.type !== 'portrait.lesson')
    throw new LessonRenderError('invalid', `That job is a ${job.type} job, not a lesson render.`);
  const params = portraitLessonPayloadSchema.safeParse(job.params);
  if (!params.success)
    throw new LessonRenderError('invalid', 'That lesson render has unreadable parameters.');
  if (params.data.mode !== 'final')
    throw new LessonRenderError(
      'invalid',
      'That is a preview render; only a final render can be exported or shared.',
    );
  if (where.lessonId && params.data.lessonId !== where.lessonId)
    throw new LessonRenderError('invalid', 'That render belongs to another lesson.');
  if (job.status !== 'completed')
    throw new LessonRenderError(
      'not-ready',
      `The lesson render is ${job.status}; it can be used once it has completed.`,
    );
  const [lesson] = await sql<{ title: string }[]>`
    select title from lessons
    where id = ${params.data.lessonId} and project_id = ${where.projectId} and deleted_at is null`;
  if (!lesson) throw new LessonRenderError('missing', 'The lesson of that render has been deleted.');

  const outputs = new Map(job.outputs.map((o) => [o.name, o]));
  const ids = ['video', 'captions', 'poster'].flatMap((n) => {
    const id = outputs.get(n)?.assetId;
    return id ? [id] : [];
  });
  const rows = ids.length
    ? await sql<AssetRow[]>`
        select id, storage_key, mime, byte_size, duration_sec, width, height from assets
        where id in ${sql(ids)} and project_id = ${where.projectId} and deleted_at is null`
    : [];
  const file = (name: string): LessonRenderFile | null => {
    const row = rows.find((r) => r.id === outputs.get(name)?.assetId);
    return row
      ? {
          assetId: row.id,
          storageKey: row.storage_key,
          mime: row.mime,
          byteSize: Number(row.byte_size),
          durationSec: num(row.duration_sec),
          width: row.width,
          height: row.height,
        }
      : null;
  };
  const video = file('video');
  if (!video) throw new LessonRenderError('invalid', 'The video of that lesson render is no longer stored.');
  const chapters = lessonChaptersSchema.safeParse(outputs.get('chapters')?.value ?? []);
  return {
    jobId: job.id,
    projectId: job.project_id,
    lessonId: params.data.lessonId,
    lessonTitle: lesson.title,
    versionId: job.version_id,
    video,
    captions: file('captions'),
    poster: file('poster'),
    // Chapters are navigation, not content: a render whose markers do not parse plays without them.
    chapters: chapters.success ? [...chapters.data].sort((a, b) => a.startSec - b.startSec) : [],
  };
}
