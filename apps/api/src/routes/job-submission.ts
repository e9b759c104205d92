import {
  BudgetExceededError,
  CampaignBudgetExceededError,
  CapabilityMissingError,
  EnqueueFailedError,
  JobInputError,
} from '@clapboard/server/jobs';
import { LectureAnalysisError } from '@clapboard/server/lectures';
import { LessonRenderError } from '@clapboard/server/lessons';
import { RenderDocumentError } from '@clapboard/server/render';
import { type LimitStore, limitStoreOf } from '../auth/limit-store';
import { DEFAULT_JOB_SUBMIT_RATE, hitRateLimit, type JobSubmitRate } from '../auth/rate-limit';
import {
  badRequest,
  conflict,
  HttpError,
  paymentRequired,
  rateLimited,
  unprocessable,
} from '../errors/http-error';

/**
 * What every route that starts jobs shares (the jobs routes, the variant renders route): the
 * per-member start limit and how the job service's refusals become HTTP errors.
 */

/**
 * Counts one job started by a member (submit or retry, any project); 429 with Retry-After past
 * `JobSubmitRate` (default DEFAULT_JOB_SUBMIT_RATE), which every starting route shares.
 */
export function jobStartLimiter(deps: {
  limitStore?: LimitStore;
  redis: Parameters<typeof limitStoreOf>[0]['redis'];
  redisPrefix?: string;
  jobSubmitRate?: Partial<JobSubmitRate>;
}): (userId: string) => Promise<void> {
  const rate = { ...DEFAULT_JOB_SUBMIT_RATE, ...deps.jobSubmitRate };
  const store = limitStoreOf(deps);
  return async (userId) => {
    if (rate.perMember <= 0) return;
    const verdict = await hitRateLimit(
      store,
      `${deps.redisPrefix ?? 'clapboard'}:rl:jobs:${userId}`,
      rate.perMember,
      rate.windowSec,
    );
    if (!verdict.allowed)
      throw rateLimited(
        verdict.retryAfterSec,
        `You started ${rate.perMember} jobs in the last ${rate.windowSec} s, the most one member may; try again in ${verdict.retryAfterSec} s.`,
      );
  };
}

/**
 * The HTTP error for a refusal of the job service while preparing or submitting a job (503 no
 * worker or the queue is down, 402 past the hard budget, 422/409/400 what the job names cannot be
 * used); `err` itself when it is none of those.
 */
export function submitRefusal(err: unknown): unknown {
  if (err instanceof CapabilityMissingError)
    return new HttpError(503, 'capability_missing', err.message, { type: err.type });
  if (err instanceof BudgetExceededError) return paymentRequired(err.message, err.figures);
  if (err instanceof CampaignBudgetExceededError) return paymentRequired(err.message, err.refusal);
  if (err instanceof RenderDocumentError) return unprocessable(err.message, err.details);
  if (err instanceof JobInputError)
    return err.status === 409 ? conflict(err.message, err.details) : unprocessable(err.message, err.details);
  if (err instanceof LessonRenderError)
    return err.kind === 'not-ready' ? conflict(err.message) : unprocessable(err.message);
  if (err instanceof LectureAnalysisError)
    return err.kind === 'not-ready'
      ? conflict(err.message, err.details)
      : err.kind === 'out-of-range'
        ? badRequest(err.message, err.details)
        : unprocessable(err.message, err.details);
  if (err instanceof EnqueueFailedError) return new HttpError(503, 'unavailable', err.message);
  return err;
}
