import {
  type BudgetFigures,
  budgetFiguresSchema,
  type JobType,
  type SubmittedJob,
  submittedJobSchema,
} from '@clapboard/shared/jobs';
import { ApiError, api } from './api-client';

/**
 * Starts a job. The API checks the cost first: past the hard budget it answers 402 and this throws
 * an ApiError whose `details` are the BudgetFigures (see `budgetFiguresOf`). When no live worker
 * runs the type it answers 503 `capability_missing` (see `isCapabilityMissing`) and creates nothing.
 */
export function submitJob(
  projectId: string,
  /** A catalog type, or one this build does not know yet (the server parses and judges it). */
  type: JobType | (string & {}),
  params: Record<string, unknown>,
): Promise<SubmittedJob> {
  return api(`/projects/${projectId}/jobs`, submittedJobSchema, { method: 'POST', json: { type, params } });
}

/** The budget figures a 402 carries, when they are there. */
export function budgetFiguresOf(details: unknown): BudgetFigures | null {
  const parsed = budgetFiguresSchema.safeParse(details);
  return parsed.success ? parsed.data : null;
}

/** A 503 `capability_missing`: no live worker runs the job type; its message says what to start. */
export function isCapabilityMissing(err: unknown): err is ApiError {
  return err instanceof ApiError && err.status === 503 && err.code === 'capability_missing';
}
