import { type LessonDraft, type LessonDraftPayload, lessonDraftSchema } from '@clapboard/shared/lessons';
import { correctionMessages } from '../../providers/json-answer';
import type { ChatModel, JsonAnswerFormat } from '../../providers/task-interfaces';
import { toProviderJsonSchema } from '../../providers/to-provider-json-schema';
import { draftMessages } from './draft-messages';
import { readDraftAnswer } from './read-draft-answer';

/** Answers the model gets: the first, and one more with the problems of the first. */
export const DRAFT_ATTEMPTS = 2;

/** The provider answered, but never with a usable draft; not worth retrying the job as is. */
export class LessonDraftError extends Error {
  override name = 'LessonDraftError';
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}

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
 * Asks `chat` for a lesson draft as structured JSON and validates it with the shared schema; on a
 * bad answer asks once more with what was wrong (DRAFT_ATTEMPTS in all).
 *
 * @param onAttempt called before each request with its 1-based number (progress)
 * @returns the validated draft and how many requests it took
 * @throws LessonDraftError when no answer validated (its message lists the last problems);
 *   ProviderError when the provider cannot be reached or refuses the request
 */
export async function askForDraft(
  chat: ChatModel,
  params: LessonDraftPayload,
  options: { signal?: AbortSignal; onAttempt?: (attempt: number) => void } = {},
): Promise<{ draft: LessonDraft; attempts: number }> {
  const format = draftFormat(params.withQuiz);
  const messages = draftMessages(params);
  let problems: readonly string[] = [];
  for (let attempt = 1; attempt <= DRAFT_ATTEMPTS; attempt++) {
    options.onAttempt?.(attempt);
    // A little less randomness on the correction: it should fix, not rewrite.
    const answer = await chat.completeJson(messages, format, {
      signal: options.signal,
      temperature: attempt === 1 ? 0.7 : 0.3,
    });
    const read = readDraftAnswer(answer, params.withQuiz);
    if (read.ok) return { draft: read.draft, attempts: attempt };
    problems = read.problems;
    messages.push(...correctionMessages(answer, read.problems));
  }
  throw new LessonDraftError(
    `The LLM provider did not return a usable lesson draft in ${DRAFT_ATTEMPTS} answers: ${problems.join('; ')}. Try again, or a different model.`,
    problems,
  );
}
