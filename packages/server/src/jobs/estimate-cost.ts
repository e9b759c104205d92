import {
  DEFAULT_RATES_USD_PER_SEC,
  JOB_CATALOG,
  type JobType,
  type ResourceClass,
} from '@clapboard/shared/jobs';

/** Steps that run once per scene in a render, multiplying their estimate by the scene count. */
const PER_SCENE_STEPS = new Set(['frame', 'voice', 'shot']);

export interface CostEstimate {
  totalUsd: number;
  /** Estimated worker seconds. */
  seconds: number;
  steps: Array<{ step: string; seconds: number; usd: number }>;
}

/**
 * Estimates a job's cost before it runs: catalog worker-seconds per step × the rate of its resource
 * class, per-scene steps × scenes, variations × count. Rates are USD per worker-second.
 */
export function estimateCost(
  type: JobType,
  params: Record<string, unknown>,
  context: { sceneCount?: number; rates?: Readonly<Record<ResourceClass, number>> } = {},
): CostEstimate {
  const def = JOB_CATALOG[type];
  const rate = (context.rates ?? DEFAULT_RATES_USD_PER_SEC)[def.resourceClass];
  const scenes = Math.max(1, context.sceneCount ?? 1);
  const count = type === 'scene.variations' ? Math.max(1, Number(params.count ?? 1)) : 1;
  const steps = def.steps.map((step) => {
    const base = def.estimateSec[step] ?? 1;
    const times =
      type === 'render.video' && PER_SCENE_STEPS.has(step) ? scenes : step === 'frame' ? count : 1;
    const seconds = base * times;
    return { step, seconds, usd: round6(seconds * rate) };
  });
  const seconds = steps.reduce((s, x) => s + x.seconds, 0);
  return { totalUsd: round6(steps.reduce((s, x) => s + x.usd, 0)), seconds, steps };
}

/** Cost of `seconds` of worker time on a resource class. */
export function workerCost(seconds: number, cls: ResourceClass, rates = DEFAULT_RATES_USD_PER_SEC): number {
  return round6(seconds * rates[cls]);
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
