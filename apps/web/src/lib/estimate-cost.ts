import { DEFAULT_RATES_USD_PER_SEC, JOB_CATALOG, type JobType } from '@clapboard/shared/jobs';

/** Render steps that run once per scene (the rest run once per job); mirrors the API's estimate. */
const PER_SCENE_STEPS = new Set(['frame', 'voice', 'shot']);

/**
 * What the API will charge up front for a job, from the shared catalog: worker-seconds per step ×
 * the resource class's rate. Shown before submitting; the API's own figures (202/402) are final.
 *
 * @returns USD and worker-seconds
 */
export function estimateCost(
  type: JobType,
  opts: { sceneCount?: number; count?: number } = {},
): { usd: number; seconds: number } {
  const def = JOB_CATALOG[type];
  const rate = DEFAULT_RATES_USD_PER_SEC[def.resourceClass];
  const scenes = Math.max(1, opts.sceneCount ?? 1);
  let seconds = 0;
  for (const step of def.steps) {
    const base = def.estimateSec[step] ?? 1;
    const times =
      type === 'render.video' && PER_SCENE_STEPS.has(step)
        ? scenes
        : step === 'frame'
          ? Math.max(1, opts.count ?? 1)
          : 1;
    seconds += base * times;
  }
  return { usd: Math.round(seconds * rate * 1e6) / 1e6, seconds };
}
