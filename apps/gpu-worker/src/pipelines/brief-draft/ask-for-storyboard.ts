import { checkDraftRules, fitDurations } from '@clapboard/screenplay';
import { type StoryboardDraft, storyboardDraftSchema } from '@clapboard/shared/campaigns';
import { correctionMessages, MAX_ANSWER_PROBLEMS, readSchemaAnswer } from '../../providers/json-answer';
import type { ChatModel, JsonAnswerFormat } from '../../providers/task-interfaces';
import { toProviderJsonSchema } from '../../providers/to-provider-json-schema';
import { type StoryboardAsk, storyboardMessages } from './storyboard-messages';

/** Answers the model gets: the first, and one more with the problems of the first. */
export const STORYBOARD_ATTEMPTS = 2;

/** The provider answered, but never with a usable draft; not worth retrying the job as is. */
export class StoryboardDraftError extends Error {
  override name = 'StoryboardDraftError';
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}

/** The structured-output format: the draft schema as JSON Schema, for providers that constrain decoding. */
export const storyboardFormat: JsonAnswerFormat = {
  name: 'storyboard_draft',
  schema: toProviderJsonSchema(storyboardDraftSchema),
};

export type StoryboardAnswer = { ok: true; draft: StoryboardDraft } | { ok: false; problems: string[] };

/**
 * Reads a provider's answer as a storyboard draft: JSON, valid against the shared
 * `storyboardDraftSchema`, speaking every must-say line and holding no banned word
 * (`checkDraftRules`), with scenes that can add up to the target length (1–60 s each). Scene
 * lengths are then scaled to add up to exactly `durationSec` (`fitDurations`, keeping their
 * proportions): models are poor at sums, and a wrong total is not worth a second request.
 */
export function readStoryboardAnswer(answer: string, ask: StoryboardAsk): StoryboardAnswer {
  const read = readSchemaAnswer(answer, storyboardDraftSchema);
  if (!read.ok) return read;
  const draft = read.value;
  const problems = checkDraftRules(draft, ask.rules);
  const n = draft.scenes.length;
  if (n > ask.durationSec)
    problems.push(`${n} scenes do not fit in ${ask.durationSec} seconds (a scene lasts at least 1 second)`);
  if (n * 60 < ask.durationSec)
    problems.push(`${n} scenes cannot fill ${ask.durationSec} seconds (a scene lasts at most 60 seconds)`);
  if (problems.length) return { ok: false, problems: problems.slice(0, MAX_ANSWER_PROBLEMS) };
  const seconds = fitDurations(
    draft.scenes.map((s) => s.durationSec),
    ask.durationSec,
  );
  return {
    ok: true,
    draft: { ...draft, scenes: draft.scenes.map((s, i) => ({ ...s, durationSec: seconds[i]! })) },
  };
}

/**
 * Asks `chat` for a storyboard draft as structured JSON, validates it with the shared schema and
 * checks it against the brief's rules; on an unusable answer asks once more, stating the problems
 * (STORYBOARD_ATTEMPTS in all).
 *
 * @param onAttempt called before each request with its 1-based number (progress)
 * @returns the draft (lengths fitted to the target) and how many requests it took
 * @throws StoryboardDraftError when no answer was usable ("The LLM's draft was not valid twice: …");
 *   ProviderError when the provider cannot be reached or refuses the request
 */
export async function askForStoryboard(
  chat: ChatModel,
  ask: StoryboardAsk,
  options: { signal?: AbortSignal; onAttempt?: (attempt: number) => void } = {},
): Promise<{ draft: StoryboardDraft; attempts: number }> {
  const messages = storyboardMessages(ask);
  let problems: readonly string[] = [];
  for (let attempt = 1; attempt <= STORYBOARD_ATTEMPTS; attempt++) {
    options.onAttempt?.(attempt);
    // A little less randomness on the correction: it should fix, not rewrite.
    const answer = await chat.completeJson(messages, storyboardFormat, {
      signal: options.signal,
      temperature: attempt === 1 ? 0.7 : 0.3,
    });
    const read = readStoryboardAnswer(answer, ask);
    if (read.ok) return { draft: read.draft, attempts: attempt };
    problems = read.problems;
    messages.push(...correctionMessages(answer, read.problems));
  }
  throw new StoryboardDraftError(
    `The LLM's draft was not valid twice: ${problems.join('; ')}. Try again, or a different model, or draft with the template.`,
    problems,
  );
}
