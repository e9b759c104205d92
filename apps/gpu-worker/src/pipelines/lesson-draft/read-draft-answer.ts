import { type LessonDraft, lessonDraftSchema } from '@clapboard/shared/lessons';

export type DraftAnswer = { ok: true; draft: LessonDraft } | { ok: false; problems: string[] };

/** At most this many problems are listed back to the model (and in a failed job's message). */
const MAX_PROBLEMS = 8;

/** The JSON text inside an answer: providers without constrained decoding like code fences. */
function jsonText(answer: string): string {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(answer);
  return (fenced?.[1] ?? answer).trim();
}

/**
 * Reads a provider's answer as a lesson draft: JSON, valid against the shared `lessonDraftSchema`
 * (bounds, each quiz answer indexing its choices, total narration), with a quiz exactly when one
 * was asked for. Problems come back as sentences the model (and a person) can act on.
 */
export function readDraftAnswer(answer: string, withQuiz: boolean): DraftAnswer {
  let value: unknown;
  try {
    value = JSON.parse(jsonText(answer));
  } catch (err) {
    return { ok: false, problems: [`the answer is not valid JSON (${(err as Error).message})`] };
  }
  const parsed = lessonDraftSchema.safeParse(value);
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues
        .slice(0, MAX_PROBLEMS)
        .map((i) => `${i.path.length ? i.path.join('.') : 'the answer'}: ${i.message}`),
    };
  if (withQuiz && !parsed.data.quiz)
    return { ok: false, problems: ['quiz: a quiz was asked for, but "quiz" is null'] };
  // A quiz nobody asked for is dropped rather than refused: the draft is still good.
  return { ok: true, draft: withQuiz ? parsed.data : { ...parsed.data, quiz: null } };
}
