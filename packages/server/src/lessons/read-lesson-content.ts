import { DOC_KEYS } from '@clapboard/shared/document';
import { type LessonContent, lessonContentSchema } from '@clapboard/shared/lessons';
import * as Y from 'yjs';

/**
 * A lesson's content as a document state holds it (`lessons` → lesson id → Y.Map), parsed with the
 * shared schema. Returns null when the state has no such lesson; throws a RangeError naming the
 * first invalid field when the lesson is there but does not parse (the caller words it for a person).
 */
export function readLessonContent(state: Uint8Array, lessonId: string): LessonContent | null {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    const entry = doc.getMap<unknown>(DOC_KEYS.lessons).get(lessonId);
    if (!(entry instanceof Y.Map)) return null;
    const parsed = lessonContentSchema.safeParse(entry.toJSON());
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RangeError(`${issue?.path.join('.') || 'the lesson'}: ${issue?.message ?? 'invalid'}`);
    }
    return parsed.data;
  } finally {
    doc.destroy();
  }
}
