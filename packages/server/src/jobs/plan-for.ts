import { estimatePlan, type JobEstimate, type PlanNode, planJob } from '@clapboard/shared/job-plan';
import type { JobPayload, JobType } from '@clapboard/shared/jobs';
import type { Sql } from '../db/connect-db';
import { RenderDocumentError } from '../render/render-document-error';
import { learnedWork } from './learned-work';
import { versionShotSeconds } from './pin-render-version';

/** A job's flow plan and the estimate made from it (per-step seconds are the progress weights). */
export interface PlannedJob {
  plan: PlanNode[];
  estimate: JobEstimate;
}

/** The plan cannot be made: the pinned version a render shows is gone. */
export class PlanUnavailableError extends Error {
  override name = 'PlanUnavailableError';
}

/**
 * Turns a job into its plan and estimate, the same way for submit, retry and recovery: the plan
 * from the catalog (a render's from the scenes of the version it pinned), each step's expected
 * seconds from this deployment's measured history where it has some, else the catalog's model.
 *
 * @param job.shotSec a render's per-scene seconds when the caller has them (submit); otherwise
 *   they are read from `versionId`
 * @throws PlanUnavailableError for a render whose version is gone, empty or past the render bounds
 */
export async function planFor(
  sql: Sql,
  job: { type: JobType; params: Record<string, unknown>; versionId?: string | null; shotSec?: number[] },
): Promise<PlannedJob> {
  let sceneSec = job.shotSec;
  if (job.type === 'render.video' && !sceneSec) {
    const transition = (job.params as Partial<JobPayload<'render.video'>>).preset?.transition;
    try {
      sceneSec = job.versionId ? await versionShotSeconds(sql, job.versionId, transition) : [];
    } catch (err) {
      if (err instanceof RenderDocumentError)
        throw new PlanUnavailableError(`The version this render shows cannot be rendered: ${err.message}`);
      throw err;
    }
    if (!sceneSec.length)
      throw new PlanUnavailableError('The version this render shows no longer exists; start a new render.');
  }
  const plan = planJob(job.type, job.params, { sceneSec });
  const estimate = estimatePlan(job.type, plan, { learned: await learnedWork(sql, job.type) });
  return { plan, estimate };
}
