import { JOB_CATALOG, type JobDefinition, type JobType, QUEUE_NAMES } from '@clapboard/shared/jobs';
import type { FlowJob } from 'bullmq';
import { bullJobId, FINALIZE_STEP, type StepData } from './step-data';

/** One step node before it becomes a BullMQ flow node. */
export interface PlannedStep {
  step: string;
  item?: Record<string, unknown>;
  /** Steps that must finish first (run as BullMQ children). */
  after?: PlannedStep[];
}

/** Default plan: the catalog's steps in order, each waiting for the one before. */
export function sequentialPlan(steps: readonly string[]): PlannedStep[] {
  let prev: PlannedStep | undefined;
  for (const step of steps) prev = { step, after: prev ? [prev] : [] };
  return prev ? [prev] : [];
}

export interface FlowInput {
  jobId: string;
  projectId: string;
  type: JobType | string;
  run: number;
  /** Catalog entry; looked up by type when omitted (tests pass their own for test pipelines). */
  definition?: JobDefinition;
  params: Record<string, unknown>;
  priority: number;
  /** Last steps of the plan (the root waits for them); default: the catalog's steps in order. */
  plan?: PlannedStep[];
}

/**
 * Builds the BullMQ flow for one job run: a root `__finalize` node whose children are the plan's
 * final steps, each with its prerequisites as children. Every node has a deterministic id, the
 * catalog's attempts and exponential backoff, and fails its parent when it fails for good, so a
 * failure reaches the root and the job ends exactly once.
 */
export function buildFlow(input: FlowInput): FlowJob {
  const def = input.definition ?? JOB_CATALOG[input.type as JobType];
  const queueName = QUEUE_NAMES[def.resourceClass];
  const base = {
    jobId: input.jobId,
    projectId: input.projectId,
    type: input.type,
    run: input.run,
    params: input.params,
  };
  const node = (p: PlannedStep): FlowJob => ({
    name: p.step,
    queueName,
    data: { ...base, step: p.step, item: p.item } satisfies StepData,
    opts: {
      jobId: bullJobId(input.jobId, input.run, p.step),
      attempts: def.attempts,
      backoff: { type: 'exponential', delay: def.backoffMs },
      priority: input.priority,
      failParentOnFailure: true,
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 14 * 24 * 3600 },
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
      backoff: { type: 'exponential', delay: 1_000 },
      priority: input.priority,
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 14 * 24 * 3600 },
    },
    children: (input.plan ?? sequentialPlan(def.steps)).map(node),
  };
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
