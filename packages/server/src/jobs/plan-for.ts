import {
  estimatePlan,
  type JobEstimate,
  type PlanInput,
  type PlanNode,
  planJob,
} from '@clapboard/shared/job-plan';
import type { JobType } from '@clapboard/shared/jobs';
import type { Sql } from '../db/connect-db';
import { jobInputsOf } from './job-inputs';
import { learnedWork } from './learned-work';

export { PlanUnavailableError } from './job-inputs';

/** A job's flow plan and the estimate made from it (per-step seconds are the progress weights). */
export interface PlannedJob {
  plan: PlanNode[];
  estimate: JobEstimate;
}

/**
 * Turns a job into its plan and estimate, the same way for submit, retry and recovery: the plan
 * from the catalog (for a type with prepared inputs, from what it pinned: a render's scenes of
 * the version it shows), each step's expected seconds from this deployment's measured history
 * where it has some, else the catalog's model.
 *
 * @param job.planInput the plan input when the caller has it (submit, from `prepare`); otherwise
 *   it is read back from what the job pinned
 * @throws PlanUnavailableError when what the job pinned is gone or no longer valid
 */
export async function planFor(
  sql: Sql,
  job: { type: JobType; params: Record<string, unknown>; versionId?: string | null; planInput?: PlanInput },
): Promise<PlannedJob> {
  const inputs = jobInputsOf(job.type);
  const planInput =
    job.planInput ??
    (inputs
      ? await inputs.planInput(sql, { params: job.params as never, versionId: job.versionId ?? null })
      : {});
  const plan = planJob(job.type, job.params, planInput);
  const estimate = estimatePlan(job.type, plan, { learned: await learnedWork(sql, job.type) });
  return { plan, estimate };
}
