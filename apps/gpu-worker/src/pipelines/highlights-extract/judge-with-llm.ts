import { type Candidate, rankCandidates } from '@clapboard/shared/highlights';
import { z } from 'zod';
import type { ChatModel } from '../../providers/task-interfaces';
import { toProviderJsonSchema } from '../../providers/to-provider-json-schema';

/** Candidates the LLM is shown: the best by the other signals with default weights. */
export const LLM_JUDGED = 12;
/** Characters of each candidate's transcript sent. */
const TEXT_CHARS = 1_500;

const judgementsSchema = z.object({
  judgements: z.array(
    z.object({
      id: z.string().max(64),
      /** 0–1: how well it stands alone as a short highlight clip. */
      score: z.number().min(0).max(1),
      reason: z.string().max(1000),
    }),
  ),
});

/**
 * Asks the configured chat model to judge the best candidates as stand-alone highlight clips:
 * one structured answer with a 0–1 score and a one-sentence reason per candidate (OpenAI
 * json_schema / Ollama format), validated with zod; ids it did not get are ignored.
 *
 * @returns the candidates with `signals.llm` and `llmReason` set for those judged
 * @throws ProviderError when the provider fails; Error when the answer does not validate
 */
export async function judgeWithLlm(
  chat: ChatModel,
  candidates: readonly Candidate[],
  options: { lectureTitle: string; signal?: AbortSignal },
): Promise<Candidate[]> {
  const shown = rankCandidates(candidates)
    .slice(0, LLM_JUDGED)
    .map((r) => r.candidate);
  if (!shown.length) return [...candidates];
  const messages = [
    {
      role: 'system' as const,
      content:
        'You pick highlight clips from recorded lectures for social media and course trailers. For each excerpt, judge how well it stands alone: one clear idea, understandable without the rest of the lecture, engaging. Answer with JSON only: {"judgements":[{"id","score","reason"}]}, score from 0 (poor) to 1 (excellent), reason one short sentence.',
    },
    {
      role: 'user' as const,
      content: [
        `Lecture: ${options.lectureTitle}`,
        ...shown.map(
          (c) => `id ${c.id} (${Math.round(c.endSec - c.startSec)} s): ${c.text.slice(0, TEXT_CHARS)}`,
        ),
      ].join('\n\n'),
    },
  ];
  const answer = await chat.completeJson(
    messages,
    { name: 'clip_judgements', schema: toProviderJsonSchema(judgementsSchema) },
    { signal: options.signal, temperature: 0.2 },
  );
  let parsed: z.infer<typeof judgementsSchema>;
  try {
    parsed = judgementsSchema.parse(JSON.parse(answer));
  } catch (err) {
    throw new Error(`The LLM's judgement is not the JSON asked for: ${(err as Error).message.slice(0, 300)}`);
  }
  const byId = new Map(parsed.judgements.map((j) => [j.id, j]));
  const allowed = new Set(shown.map((c) => c.id));
  return candidates.map((c) => {
    const j = allowed.has(c.id) ? byId.get(c.id) : undefined;
    return j
      ? {
          ...c,
          signals: { ...c.signals, llm: Math.round(j.score * 1000) / 1000 },
          llmReason: j.reason.slice(0, 1000),
        }
      : c;
  });
}
