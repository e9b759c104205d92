import { retryDelayMs } from '@clapboard/shared/jobs';
import type { BackoffStrategy } from 'bullmq';

/** The BullMQ backoff type of every step (`retryDelayMs`); workers register `stepBackoff` for it. */
export const STEP_BACKOFF = 'clapboard-step';

/**
 * BullMQ's custom backoff (worker `settings.backoffStrategy`): after attempt `attemptsMade` of a
 * step fails, wait `retryDelayMs(delay, attemptsMade)`, the job's `backoff.delay` being the
 * catalog's `backoffMs`. Other types never reach it (BullMQ handles its built-in ones).
 */
export const stepBackoff: BackoffStrategy = (attemptsMade, type, _err, job) => {
  const backoff = job?.opts.backoff;
  const first = typeof backoff === 'number' ? backoff : (backoff?.delay ?? 0);
  if (type !== STEP_BACKOFF) throw new Error(`Unknown backoff strategy ${type}.`);
  return retryDelayMs(first, attemptsMade);
};
