import { DOC_KEYS } from '@clapboard/shared/document';
import type { LessonChapter, LessonContent } from '@clapboard/shared/lessons';
import * as Y from 'yjs';
import { saveJobFile } from '../assets/job-assets';
import type { Sql } from '../db/connect-db';
import { endJob, insertJob } from '../jobs/job-store';
import type { BlobStore } from '../storage/blob-store';

export interface LessonRenderFixtureInput {
  projectId: string;
  userId: string;
  /** An existing lesson; a new one titled `title` is inserted when omitted. */
  lessonId?: string;
  title?: string;
  mode?: 'preview' | 'final';
  /** Terminal or not: a `queued` render stands for one still running. Default `completed`. */
  status?: 'queued' | 'completed' | 'failed';
  /** Files the render "made": a real MP4, WebVTT and image the caller produced. */
  files: { video: string; captions?: string; poster?: string };
  videoDurationSec: number;
  chapters?: LessonChapter[];
  /** Lesson content fields the pinned version holds (the quiz, sections). */
  content?: Partial<Pick<LessonContent, 'quiz' | 'sections'>>;
}

export interface LessonRenderFixture {
  lessonId: string;
  jobId: string;
  versionId: string;
  videoAssetId: string;
  captionsAssetId: string | null;
  posterAssetId: string | null;
}

/**
 * What a finished `portrait.lesson` render leaves behind, for tests of what consumes one (LMS
 * export, share links) before or without the render pipeline: the lesson row, a pinned version
 * whose `lessons` map holds the lesson's content, the job row (through the job store, queued then
 * ended with its outputs) and its files stored as assets of the project.
 */
export async function insertLessonRender(
  sql: Sql,
  store: BlobStore,
  input: LessonRenderFixtureInput,
): Promise<LessonRenderFixture> {
  const title = input.title ?? 'A lesson';
  const lessonId =
    input.lessonId ??
    (
      await sql<{ id: string }[]>`
        insert into lessons (project_id, title, created_by) values (${input.projectId}, ${title}, ${input.userId})
        returning id`
    )[0]!.id;

  const doc = new Y.Doc();
  const lesson = new Y.Map<unknown>();
  doc.getMap(DOC_KEYS.lessons).set(lessonId, lesson);
  lesson.set('title', title);
  const sections = new Y.Array<Y.Map<unknown>>();
  lesson.set('sections', sections);
  for (const s of input.content?.sections ?? []) {
    const m = new Y.Map<unknown>();
    sections.push([m]);
    for (const [k, v] of Object.entries(s)) m.set(k, v);
  }
  lesson.set('quiz', input.content?.quiz ?? null);
  const state = Buffer.from(Y.encodeStateAsUpdate(doc));
  doc.destroy();
  const [version] = await sql<{ id: string }[]>`
    insert into doc_versions (project_id, name, state, source, created_by)
    values (${input.projectId}, 'Lesson render', ${state}, 'render', ${input.userId}) returning id`;

  const mode = input.mode ?? 'final';
  const job = await insertJob(sql, {
    projectId: input.projectId,
    userId: input.userId,
    type: 'portrait.lesson',
    params: { lessonId, mode },
    priority: 10,
    versionId: version!.id,
    estimate: { seconds: 0, usd: 0, steps: [] },
  });
  const save = (file: string, kind: 'video' | 'document' | 'image', mime: string, name: string) =>
    saveJobFile(sql, store, {
      projectId: input.projectId,
      jobId: job.id,
      file,
      kind,
      mime,
      name,
      ...(kind === 'video' ? { durationSec: input.videoDurationSec } : {}),
    });
  const videoAssetId = await save(input.files.video, 'video', 'video/mp4', 'lesson.mp4');
  const captionsAssetId = input.files.captions
    ? await save(input.files.captions, 'document', 'text/vtt', 'lesson.vtt')
    : null;
  const posterAssetId = input.files.poster
    ? await save(input.files.poster, 'image', 'image/jpeg', 'poster.jpg')
    : null;
  const status = input.status ?? 'completed';
  if (status !== 'queued')
    await endJob(sql, job.id, {
      status,
      ...(status === 'failed' ? { error: 'The render failed.' } : {}),
      outputs: [
        { name: 'video', assetId: videoAssetId },
        ...(captionsAssetId ? [{ name: 'captions', assetId: captionsAssetId }] : []),
        ...(posterAssetId ? [{ name: 'poster', assetId: posterAssetId }] : []),
        { name: 'chapters', value: input.chapters ?? [] },
      ],
    });
  return { lessonId, jobId: job.id, versionId: version!.id, videoAssetId, captionsAssetId, posterAssetId };
}
