import { type LessonDraft, type LessonDraftPayload, lessonDraftSchema } from '@clapboard/shared/lessons';
import { askForJson, JSON_ANSWER_ATTEMPTS } from '../../providers/json-answer';
import type { ChatModel, JsonAnswerFormat } from '../../providers/task-interfaces';
import { toProviderJsonSchema } from '../../providers/to-provider-json-schema';
import { draftMessages } from './draft-messages';
import { readDraftAnswer } from './read-draft-answer';

/**
 * The structured-output format: the draft's JSON Schema, with the quiz required when asked for and
 * `null` otherwise, so a provider that constrains decoding cannot get that part wrong.
 */
export function draftFormat(withQuiz: boolean): JsonAnswerFormat {
  const schema = toProviderJsonSchema(lessonDraftSchema) as { properties: Record<string, unknown> };
  const quizOptions = (schema.properties.quiz as { anyOf?: Array<{ type?: string }> }).anyOf ?? [];
  const quizObject = quizOptions.find((s) => s.type === 'object');
  schema.properties.quiz = withQuiz && quizObject ? quizObject : { type: 'null' };
  return { name: 'lesson_draft', schema };
}

/**
 * Asks `chat` for a lesson draft as structured JSON, validated with the shared schema
 * (`readDraftAnswer`), asking once more on a bad answer (`askForJson`).
 *
 * @returns the validated draft and how many requests it took
 * @throws UnusableAnswerError when no answer validated (its message lists the last problems);
 *   ProviderError when the provider cannot be reached or refuses the request
 */
export async function askForDraft(
  chat: ChatModel,
  params: LessonDraftPayload,
  options: { signal?: AbortSignal; onAttempt?: (attempt: number) => void } = {},
): Promise<{ draft: LessonDraft; attempts: number }> {
  const { value, attempts } = await askForJson(
    chat,
    draftMessages(params),
    draftFormat(params.withQuiz),
    (answer) => readDraftAnswer(answer, params.withQuiz),
    (problems) =>
      `The LLM provider did not return a usable lesson draft in ${JSON_ANSWER_ATTEMPTS} answers: ${problems.join('; ')}. Try again, or a different model.`,
    options,
  );
  return { draft: value, attempts };
}
