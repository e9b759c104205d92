import { estimatePlan, type JobEstimate, type PlanNode, sequentialPlan } from '@clapboard/shared/job-plan';
import { JOB_CATALOG, type JobDefinition, type JobType, QUEUE_NAMES } from '@clapboard/shared/jobs';
import type { FlowJob } from 'bullmq';
import type { JobRow } from './job-row';
import type { PlannedJob } from './plan-for';
import { STEP_BACKOFF } from './step-backoff';
import { bullJobId, FINALIZE_STEP, type StepData } from './step-data';

export interface FlowInput {
  jobId: string;
  projectId: string;
  type: JobType | string;
  run: number;
  /** Catalog entry; looked up by type when omitted (tests pass their own for test pipelines). */
  definition?: JobDefinition;
  params: Record<string, unknown>;
  priority: number;
  /** The plan (`planFor`); default the catalog's steps in order. */
  plan?: PlanNode[];
  /** The plan's estimate; its per-step seconds weight the progress. Default: the cold-start model. */
  estimate?: JobEstimate;
}

/**
 * Builds the BullMQ flow for one job run: a root `__finalize` node whose children are the plan's
 * final steps, each with its prerequisites as children. Every node has a deterministic id, the
 * catalog's attempts and its backoff (×3 per further try, `stepBackoff`), carries its expected seconds (its progress weight)
 * and fails its parent when it fails for good, so a failure reaches the root and the job ends
 * exactly once.
 */
export function buildFlow(input: FlowInput): FlowJob {
  const def = input.definition ?? JOB_CATALOG[input.type as JobType];
  const queueName = QUEUE_NAMES[def.resourceClass];
  const plan = input.plan ?? sequentialPlan(def.steps);
  const estimate = input.estimate ?? estimatePlan(input.type, plan, { definition: def });
  const weights = new Map(estimate.steps.map((s) => [s.step, s.seconds]));
  const base = {
    jobId: input.jobId,
    projectId: input.projectId,
    type: input.type,
    run: input.run,
    params: input.params,
    totalWeight: estimate.seconds,
  };
  const keep = { removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 14 * 24 * 3600 } };
  const node = (p: PlanNode): FlowJob => ({
    name: p.step,
    queueName,
    data: {
      ...base,
      step: p.step,
      item: p.item,
      kind: p.kind,
      units: p.units,
      weight: weights.get(p.step) ?? 0,
    } satisfies StepData,
    opts: {
      jobId: bullJobId(input.jobId, input.run, p.step),
      attempts: def.attempts,
      backoff: { type: STEP_BACKOFF, delay: def.backoffMs },
      priority: input.priority,
      failParentOnFailure: true,
      ...keep,
    },
    children: (p.after ?? []).map(node),
  });
  return {
    name: FINALIZE_STEP,
    queueName,
    data: { ...base, step: FINALIZE_STEP } satisfies StepData,
    opts: {
      jobId: bullJobId(input.jobId, input.run, FINALIZE_STEP),
      attempts: 3,
      backoff: { type: STEP_BACKOFF, delay: 1_000 },
      priority: input.priority,
      ...keep,
    },
    children: plan.map(node),
  };
}

/** The BullMQ id of a run's root node. */
export function rootJobId(jobId: string, run: number): string {
  return bullJobId(jobId, run, FINALIZE_STEP);
}

/** Every BullMQ job id in a flow, root first. */
export function flowJobIds(flow: FlowJob): string[] {
  const ids: string[] = [];
  const walk = (n: FlowJob) => {
    if (n.opts?.jobId) ids.push(n.opts.jobId);
    for (const c of n.children ?? []) walk(c);
  };
  walk(flow);
  return ids;
}

/** The BullMQ flow of a job row's current run, as planned. */
export function flowOfRun(row: JobRow, planned: PlannedJob): FlowJob {
  return buildFlow({
    jobId: row.id,
    projectId: row.project_id,
    type: row.type,
    run: row.run,
    params: row.params,
    priority: row.priority,
    plan: planned.plan,
    estimate: planned.estimate,
  });
}
