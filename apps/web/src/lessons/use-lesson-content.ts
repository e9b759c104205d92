import type { LessonContent } from '@clapboard/shared/lessons';
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { findLessonMap, lessonsMap, readLessonContent } from './lesson-doc';

/**
 * The lesson's content from the project Y.Doc, re-read on any change to it, local or remote (the
 * whole `lessons` map is observed: the lesson's own map may not exist until someone writes it).
 */
export function useLessonContent(doc: Y.Doc, lessonId: string): LessonContent {
  const read = () => readLessonContent(findLessonMap(doc, lessonId));
  const [content, setContent] = useState(read);
  // biome-ignore lint/correctness/useExhaustiveDependencies: read is re-made each render from doc and lessonId
  useEffect(() => {
    const lessons = lessonsMap(doc);
    const update = () => setContent(read());
    lessons.observeDeep(update);
    update();
    return () => lessons.unobserveDeep(update);
  }, [doc, lessonId]);
  return content;
}
