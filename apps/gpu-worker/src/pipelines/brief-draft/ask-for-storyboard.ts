import { checkDraftRules, fitDurations } from '@clapboard/screenplay';
import { type StoryboardDraft, storyboardDraftSchema } from '@clapboard/shared/campaigns';
import {
  askForJson,
  MAX_ANSWER_PROBLEMS,
  readSchemaAnswer,
  type SchemaAnswer,
} from '../../providers/json-answer';
import type { ChatModel, JsonAnswerFormat } from '../../providers/task-interfaces';
import { toProviderJsonSchema } from '../../providers/to-provider-json-schema';
import { type StoryboardAsk, storyboardMessages } from './storyboard-messages';

/** The structured-output format: the draft schema as JSON Schema, for providers that constrain decoding. */
export const storyboardFormat: JsonAnswerFormat = {
  name: 'storyboard_draft',
  schema: toProviderJsonSchema(storyboardDraftSchema),
};

/**
 * Reads a provider's answer as a storyboard draft: JSON, valid against the shared
 * `storyboardDraftSchema`, speaking every must-say line and holding no banned word
 * (`checkDraftRules`), with scenes that can add up to the target length (1–60 s each). Scene
 * lengths are then scaled to add up to exactly `durationSec` (`fitDurations`, keeping their
 * proportions): models are poor at sums, and a wrong total is not worth a second request.
 */
export function readStoryboardAnswer(answer: string, ask: StoryboardAsk): SchemaAnswer<StoryboardDraft> {
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
    value: { ...draft, scenes: draft.scenes.map((s, i) => ({ ...s, durationSec: seconds[i]! })) },
  };
}

/**
 * Asks `chat` for a storyboard draft as structured JSON, validated with the shared schema and
 * checked against the brief's rules (`readStoryboardAnswer`), asking once more on an unusable
 * answer (`askForJson`).
 *
 * @returns the draft (lengths fitted to the target) and how many requests it took
 * @throws UnusableAnswerError when no answer was usable ("The LLM's draft was not valid twice: …");
 *   ProviderError when the provider cannot be reached or refuses the request
 */
export async function askForStoryboard(
  chat: ChatModel,
  ask: StoryboardAsk,
  options: { signal?: AbortSignal; onAttempt?: (attempt: number) => void } = {},
): Promise<{ draft: StoryboardDraft; attempts: number }> {
  const { value, attempts } = await askForJson(
    chat,
    storyboardMessages(ask),
    storyboardFormat,
    (answer) => readStoryboardAnswer(answer, ask),
    (problems) =>
      `The LLM's draft was not valid twice: ${problems.join('; ')}. Try again, or a different model, or draft with the template.`,
    options,
  );
  return { draft: value, attempts };
}
