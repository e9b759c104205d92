import { type LessonDraft, lessonDraftSchema } from '@clapboard/shared/lessons';
import { readSchemaAnswer, type SchemaAnswer } from '../../providers/json-answer';

/**
 * Reads a provider's answer as a lesson draft: JSON, valid against the shared `lessonDraftSchema`
 * (bounds, each quiz answer indexing its choices, total narration), with a quiz exactly when one
 * was asked for. Problems come back as sentences the model (and a person) can act on.
 */
export function readDraftAnswer(answer: string, withQuiz: boolean): SchemaAnswer<LessonDraft> {
  const read = readSchemaAnswer(answer, lessonDraftSchema);
  if (!read.ok) return read;
  if (withQuiz && !read.value.quiz)
    return { ok: false, problems: ['quiz: a quiz was asked for, but "quiz" is null'] };
  // A quiz nobody asked for is dropped rather than refused: the draft is still good.
  return { ok: true, value: withQuiz ? read.value : { ...read.value, quiz: null } };
}
