import type { z } from 'zod';
import type { ChatMessage, ChatModel, JsonAnswerFormat } from './task-interfaces';

/** At most this many problems are listed back to the model (and in a failed job's message). */
export const MAX_ANSWER_PROBLEMS = 8;

/** A structured answer read against its schema: the value, or what was wrong, as sentences. */
export type SchemaAnswer<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** The JSON text inside a chat answer: providers without constrained decoding like code fences. */
export function jsonAnswerText(answer: string): string {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(answer);
  return (fenced?.[1] ?? answer).trim();
}

/**
 * Reads a provider's answer as JSON valid against `schema`: problems (not JSON; each schema issue
 * with its path, at most MAX_ANSWER_PROBLEMS) come back as sentences the model, and a person, can
 * act on.
 */
export function readSchemaAnswer<S extends z.ZodType>(answer: string, schema: S): SchemaAnswer<z.infer<S>> {
  let value: unknown;
  try {
    value = JSON.parse(jsonAnswerText(answer));
  } catch (err) {
    return { ok: false, problems: [`the answer is not valid JSON (${(err as Error).message})`] };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues
      .slice(0, MAX_ANSWER_PROBLEMS)
      .map((i) => `${i.path.length ? i.path.join('.') : 'the answer'}: ${i.message}`),
  };
}

/**
 * The follow-up after a structured answer that could not be used: the answer (cut: the model needs
 * its gist, not all of it again), what was wrong with it, and to answer again.
 */
export function correctionMessages(badAnswer: string, problems: readonly string[]): ChatMessage[] {
  return [
    { role: 'assistant', content: badAnswer.slice(0, 8_000) },
    {
      role: 'user',
      content: [
        'That answer cannot be used:',
        ...problems.map((p) => `- ${p}`),
        'Answer again with one JSON object only that follows the schema and the limits.',
      ].join('\n'),
    },
  ];
}

/** Answers a model gets for one structured request: the first, and one more with the first's problems. */
export const JSON_ANSWER_ATTEMPTS = 2;

/** The provider answered, but never usably; not worth retrying the job as is. */
export class UnusableAnswerError extends Error {
  override name = 'UnusableAnswerError';
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}

/**
 * Asks `chat` for one JSON object in `format` and reads the answer with `read` (schema and any
 * checks of its own); on an unusable answer asks once more, stating the problems
 * (JSON_ANSWER_ATTEMPTS in all), with a little less randomness: it should fix, not rewrite.
 *
 * @param failure the message when no answer was usable, from the last answer's problems
 * @param options.onAttempt called before each request with its 1-based number (progress)
 * @returns the value and how many requests it took
 * @throws UnusableAnswerError when no answer was usable; ProviderError when the provider cannot be
 *   reached or refuses the request
 */
export async function askForJson<T>(
  chat: ChatModel,
  messages: ChatMessage[],
  format: JsonAnswerFormat,
  read: (answer: string) => SchemaAnswer<T>,
  failure: (problems: readonly string[]) => string,
  options: { signal?: AbortSignal; onAttempt?: (attempt: number) => void } = {},
): Promise<{ value: T; attempts: number }> {
  let problems: readonly string[] = [];
  for (let attempt = 1; attempt <= JSON_ANSWER_ATTEMPTS; attempt++) {
    options.onAttempt?.(attempt);
    const answer = await chat.completeJson(messages, format, {
      signal: options.signal,
      temperature: attempt === 1 ? 0.7 : 0.3,
    });
    const result = read(answer);
    if (result.ok) return { value: result.value, attempts: attempt };
    problems = result.problems;
    messages.push(...correctionMessages(answer, result.problems));
  }
  throw new UnusableAnswerError(failure(problems), problems);
}
