import type { LessonContent } from '@clapboard/shared/lessons';
import type { Sql } from '../db/connect-db';
import type { LessonRender } from './find-lesson-render';
import { LessonRenderError } from './lesson-render-error';
import { readLessonContent } from './read-lesson-content';

/**
 * The lesson's content as the render showed it (from the version the render pinned), for what the
 * video alone does not carry: the quiz. Null when the render pinned no version or the version no
 * longer holds the lesson.
 *
 * @throws LessonRenderError (`invalid`) when the pinned lesson does not parse
 */
export async function loadRenderLesson(
  sql: Sql,
  render: Pick<LessonRender, 'versionId' | 'lessonId'>,
): Promise<LessonContent | null> {
  if (!render.versionId) return null;
  const [row] = await sql<{ state: Buffer }[]>`select state from doc_versions where id = ${render.versionId}`;
  if (!row) return null;
  try {
    return readLessonContent(row.state, render.lessonId);
  } catch (err) {
    throw new LessonRenderError(
      'invalid',
      `The lesson as it was rendered cannot be read (${err instanceof Error ? err.message : String(err)}).`,
    );
  }
}
