import { randomUUID } from 'node:crypto';
import { BriefDraftError, loadDraftableBrief, writeStoryboardDraft } from '@clapboard/server/briefs';
import type { Redis } from '@clapboard/server/redis';
import { JOB_CATALOG, type JobPayload } from '@clapboard/shared/jobs';
import { UnrecoverableError } from 'bullmq';
import type { Pipeline } from '../../jobs/pipeline';
import { startWaitProgress } from '../../jobs/wait-progress';
import { UnusableAnswerError } from '../../providers/json-answer';
import { ProviderError } from '../../providers/provider-error';
import type { ChatModel } from '../../providers/task-interfaces';
import { askForStoryboard } from './ask-for-storyboard';

type Params = JobPayload<'brief.draft'>;

/** What the API says (503, `GET /job-types`) while no worker can draft: it then drafts with the template. */
export const NO_CHAT_PROVIDER_FOR_BRIEFS =
  'No worker has an LLM provider configured (set OPENAI_BASE_URL or OLLAMA_BASE_URL on a worker), so storyboards are drafted from briefs with the template instead.';

/** Seconds a provider usually takes to answer: the catalog's cold model, for the waiting bar. */
const EXPECTED_ANSWER_SEC = JOB_CATALOG['brief.draft'].work.draft?.baseSec ?? 15;

/**
 * `brief.draft`: one `draft` step. It reads the brief and the campaign's brand kit (checked as at
 * submit: still the project's, the project still in the campaign, no banned word in the brief, the
 * script empty unless `replace`), asks the configured chat provider for a storyboard as structured
 * JSON (`askForStoryboard`: validated with the shared schema, must-say lines and banned words
 * checked, one correction), and writes it into the project document (`writeStoryboardDraft`: script
 * and scenes as one update, published to open editors on `redis`; the brief's `last_draft` says
 * `llm`, the provider and this job). Outputs: `draft` (the StoryboardDraft written), `provider`
 * (`{ source, attempts }`) and `document` (`{ scenes, backupVersionId }`). Never reused from the step
 * cache. Without a chat provider the pipeline is present but `unavailable`.
 */
export function briefDraftPipeline(deps: { chat?: ChatModel; redis?: Redis }): Pipeline<Params> {
  const { chat } = deps;
  return {
    type: 'brief.draft',
    ...(chat ? {} : { unavailable: NO_CHAT_PROVIDER_FOR_BRIEFS }),
    steps: {
      draft: {
        version: 1,
        run: async (ctx) => {
          if (!chat) throw new UnrecoverableError(NO_CHAT_PROVIDER_FOR_BRIEFS);
          const { briefId, replace } = ctx.params;
          const progress = startWaitProgress(ctx.report, EXPECTED_ANSWER_SEC, `asking ${chat.source}`);
          try {
            const brief = await loadDraftableBrief(ctx.sql, { projectId: ctx.projectId, briefId, replace });
            const durationSec = brief.fields.durations[0] ?? 30;
            const { draft, attempts } = await askForStoryboard(
              chat,
              { brief: brief.fields, writing: brief.writing, rules: brief.rules, durationSec },
              {
                signal: ctx.signal,
                onAttempt: (n) => {
                  if (n > 1) progress.stage(`the first draft was not usable; asking ${chat.source} again`);
                },
              },
            );
            progress.stage('writing the draft into the project');
            const [job] = await ctx.sql<{ created_by: string | null }[]>`
              select created_by from jobs where id = ${ctx.jobId}`;
            const written = await writeStoryboardDraft(ctx.sql, {
              projectId: ctx.projectId,
              briefId,
              draft,
              replace,
              source: { source: 'llm', provider: chat.source, jobId: ctx.jobId },
              userId: job?.created_by ?? null,
              redis: deps.redis,
              origin: `worker:${randomUUID()}`,
            });
            ctx.log.info({ attempts, scenes: written.scenes }, 'storyboard drafted from brief');
            return {
              outputs: [
                { name: 'draft', value: draft },
                { name: 'provider', value: { source: chat.source, attempts } },
                {
                  name: 'document',
                  value: { scenes: written.scenes, backupVersionId: written.backupVersionId },
                },
              ],
            };
          } catch (err) {
            if (err instanceof UnusableAnswerError || err instanceof BriefDraftError)
              throw new UnrecoverableError(err.message);
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
