import type { Sql } from '@clapboard/server/db';
import type { Logger } from '@clapboard/server/logger';
import type { JobOutput, JobPayload, JobType, ResourceClass } from '@clapboard/shared/jobs';
import type { ProgressReporter } from './progress-reporter';

/** What a step function receives: typed input, a reporter, an abort signal and a scratch folder. */
export interface StepContext<P = Record<string, unknown>> {
  jobId: string;
  projectId: string;
  run: number;
  step: string;
  /** The job's parsed payload. */
  params: P;
  /** Per-item input (e.g. the scene) when the plan gave one. */
  item?: Record<string, unknown>;
  /** Outputs of the steps this one waited for, by step key. */
  inputs: Record<string, StepResult>;
  /** Aborted on cancel, on the step's timeout, and on worker shutdown. */
  signal: AbortSignal;
  /** Empty folder for this attempt; deleted afterwards whatever happens. */
  scratchDir: string;
  report: ProgressReporter;
  log: Logger;
  sql: Sql;
  /**
   * Records an asset the step created so it is removed again if the step fails or is cancelled
   * (no partial outputs survive).
   */
  trackAsset(assetId: string): void;
}

/** What a step returns: named outputs (assets or values); stored for reuse under its cache key. */
export interface StepResult {
  outputs: JobOutput[];
  /** Provider charges on top of worker time (USD). */
  providerUsd?: number;
  /**
   * False for a result that must not be reused under the step's cache key, e.g. a stand-in made
   * because a provider failed: the next run asks the provider again. Default true.
   */
  cacheable?: boolean;
}

export interface StepDefinition<P = Record<string, unknown>> {
  /** Bumping it invalidates cached outputs of this step. */
  version: number;
  /**
   * Content address of the step's output: a JSON-able value that changes whenever the output
   * would. Omit for steps whose output must never be reused.
   */
  cacheInput?: (ctx: StepContext<P>) => unknown | Promise<unknown>;
  /**
   * The job type whose cached outputs this step shares, when another pipeline runs the same step
   * (a variant matrix's voices are a render's voices); default the job's own type.
   */
  cacheType?: JobType;
  run: (ctx: StepContext<P>) => Promise<StepResult>;
}

/**
 * A job type's step functions and how the root turns step outputs into job outputs. The flow's
 * shape (which steps, per scene, in what order) is the job service's plan (`planJob` in
 * `@clapboard/shared/job-plan`); each node names the step definition it runs (its `kind`).
 */
export interface Pipeline<P = Record<string, unknown>> {
  type: JobType | string;
  resourceClass?: ResourceClass;
  steps: Record<string, StepDefinition<P>>;
  /** Job outputs from all step results; default: every step's outputs concatenated. */
  collect?: (results: Record<string, StepResult>) => JobOutput[];
  /**
   * Set when this worker has the pipeline but cannot run it as configured (e.g. `lesson.draft`
   * without an LLM provider): a sentence for a person saying what to configure. The worker then
   * does not announce the type, reports this reason instead, and hands steps of the type that
   * reach it back to the queue for a worker that can run them.
   */
  unavailable?: string;
}

/**
 * One pipeline for every catalog job type: a catalog type without a pipeline is a type error here,
 * so the catalog can never offer what no worker runs.
 */
export type CatalogPipelines = { [K in JobType]: Pipeline<JobPayload<K>> };

export type PipelineRegistry = ReadonlyMap<string, Pipeline<never>>;

/** The registry of a complete catalog, plus any extra (test) pipelines. */
export function catalogRegistry(
  catalog: CatalogPipelines,
  extra: Array<Pipeline<never>> = [],
): PipelineRegistry {
  return pipelineRegistry([...(Object.values(catalog) as Array<Pipeline<never>>), ...extra]);
}

/** Builds a registry from a list; a type registered twice is a programming error. */
export function pipelineRegistry(pipelines: Array<Pipeline<never>>): PipelineRegistry {
  const map = new Map<string, Pipeline<never>>();
  for (const p of pipelines) {
    if (map.has(p.type)) throw new Error(`pipeline ${p.type} registered twice`);
    map.set(p.type, p);
  }
  return map;
}
