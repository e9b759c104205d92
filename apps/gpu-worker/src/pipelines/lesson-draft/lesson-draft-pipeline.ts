import { JOB_CATALOG, type JobPayload } from '@clapboard/shared/jobs';
import { UnrecoverableError } from 'bullmq';
import type { Pipeline } from '../../jobs/pipeline';
import { startWaitProgress } from '../../jobs/wait-progress';
import { UnusableAnswerError } from '../../providers/json-answer';
import { ProviderError } from '../../providers/provider-error';
import type { ChatModel } from '../../providers/task-interfaces';
import { askForDraft } from './ask-for-draft';

type Params = JobPayload<'lesson.draft'>;

/** What the API says (503 and `GET /job-types`) while no worker can draft. */
export const NO_CHAT_PROVIDER_REASON =
  'No worker has an LLM provider configured (set OPENAI_BASE_URL or OLLAMA_BASE_URL on a worker), so lessons cannot be drafted with AI. Writing the script by hand works without one.';

/** Seconds a provider usually takes to answer: the catalog's cold model, for the waiting bar. */
const EXPECTED_ANSWER_SEC = JOB_CATALOG['lesson.draft'].work.draft?.baseSec ?? 20;

/**
 * `lesson.draft`: one `draft` step that asks the configured chat provider (OpenAI-compatible or
 * Ollama) for a lesson script as structured JSON, validated with the shared `lessonDraftSchema`.
 * Its outputs: `draft` (a LessonDraft the team reviews and applies in the studio; nothing is
 * written to the lesson) and `provider` (`{ source, attempts }`). Never reused from the step cache:
 * asking again should give a new draft. Without a chat provider the pipeline is present but
 * `unavailable`, so the worker does not announce the type.
 */
export function lessonDraftPipeline(deps: { chat?: ChatModel }): Pipeline<Params> {
  const { chat } = deps;
  return {
    type: 'lesson.draft',
    ...(chat ? {} : { unavailable: NO_CHAT_PROVIDER_REASON }),
    steps: {
      draft: {
        version: 1,
        run: async (ctx) => {
          if (!chat) throw new UnrecoverableError(NO_CHAT_PROVIDER_REASON);
          const [lesson] = await ctx.sql`
            select 1 from lessons
            where id = ${ctx.params.lessonId} and project_id = ${ctx.projectId} and deleted_at is null`;
          if (!lesson) throw new UnrecoverableError('The lesson was deleted; there is nothing to draft for.');

          const progress = startWaitProgress(ctx.report, EXPECTED_ANSWER_SEC, `asking ${chat.source}`);
          try {
            const { draft, attempts } = await askForDraft(chat, ctx.params, {
              signal: ctx.signal,
              onAttempt: (n) => {
                if (n > 1) progress.stage(`the first answer did not validate; asking ${chat.source} again`);
              },
            });
            ctx.log.info({ attempts, sections: draft.sections.length }, 'lesson drafted');
            return {
              outputs: [
                { name: 'draft', value: draft },
                { name: 'provider', value: { source: chat.source, attempts } },
              ],
            };
          } catch (err) {
            if (err instanceof UnusableAnswerError) throw new UnrecoverableError(err.message);
            // Unreachable or 5xx: worth the retry with backoff; a 4xx or a garbled reply is not.
            if (err instanceof ProviderError && !err.retryable)
              throw new UnrecoverableError(`The LLM provider failed: ${err.message}`);
            throw err;
          } finally {
            progress.stop();
          }
        },
      },
    },
  };
}
