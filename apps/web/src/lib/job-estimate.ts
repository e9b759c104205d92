import { estimatePlan, type JobEstimate, planJob } from '@clapboard/shared/job-plan';
import type { JobTypeInfo } from '@clapboard/shared/jobs';
import { neededShotSeconds } from '@clapboard/shared/render-timing';
import { learnedWorkOf, ratesOf } from './job-types';

/**
 * A render's estimate as the job service makes it: the shared plan over each scene's seconds (a
 * shot is never shorter than the render's minimum), the deployment's measured work models where
 * it has some, its rate. Null without scenes (the server refuses such a render).
 *
 * @param sceneDurations each scene's `durationSec`, in document order
 */
export function renderEstimate(
  sceneDurations: readonly number[],
  info: Pick<JobTypeInfo, 'work' | 'resourceClass' | 'usdPerSec'> | undefined,
): JobEstimate | null {
  if (sceneDurations.length === 0) return null;
  const sceneSec = sceneDurations.map((d) => neededShotSeconds(d, 0, 0));
  return estimatePlan('render.video', planJob('render.video', {}, { sceneSec }), {
    learned: learnedWorkOf(info),
    rates: ratesOf(info),
  });
}

/**
 * A variant matrix's estimate as the job service makes it (`render.variants`: plates and voices
 * once, then every variant's fitted film), over each scene's seconds. The campaign's brand cards
 * are left out (the API pins the kit at submit; its answer carries the exact figure). Null without
 * scenes or variants.
 *
 * @param variantSec each variant's length in seconds
 */
export function variantsEstimate(
  sceneDurations: readonly number[],
  variantSec: readonly number[],
  info: Pick<JobTypeInfo, 'work' | 'resourceClass' | 'usdPerSec'> | undefined,
): JobEstimate | null {
  if (sceneDurations.length === 0 || variantSec.length === 0) return null;
  const sceneSec = sceneDurations.map((d) => neededShotSeconds(d, 0, 0));
  const params = { variants: variantSec.map((durationSec) => ({ durationSec })) };
  return estimatePlan('render.variants', planJob('render.variants', params, { sceneSec }), {
    learned: learnedWorkOf(info),
    rates: ratesOf(info),
  });
}

/** Where an estimate's models came from: every step measured here, some, or none. */
export function estimateBasis(estimate: Pick<JobEstimate, 'steps'>): 'measured' | 'partly' | 'first' {
  const learned = estimate.steps.filter((s) => s.learned).length;
  if (learned === 0) return 'first';
  return learned === estimate.steps.length ? 'measured' : 'partly';
}

/** The basis as a person reads it, naming the measured steps when only some are. */
export function estimateBasisText(estimate: Pick<JobEstimate, 'steps'>): string {
  const basis = estimateBasis(estimate);
  if (basis === 'measured') return 'measured on this deployment';
  if (basis === 'first') return 'first estimate: nothing measured on this deployment yet';
  const kinds = [...new Set(estimate.steps.filter((s) => s.learned).map((s) => s.kind))];
  return `partly measured on this deployment (${kinds.join(', ')}), the rest a first estimate`;
}

/** Seconds of film a render of these scenes makes, before transitions overlap (for the sentence). */
export function filmSeconds(sceneDurations: readonly number[]): number {
  return sceneDurations.reduce((s, d) => s + neededShotSeconds(d, 0, 0), 0);
}
