import type { LearnedWork } from '@clapboard/shared/job-plan';
import {
  DEFAULT_RATES_USD_PER_SEC,
  type JobType,
  type JobTypeInfo,
  type ResourceClass,
} from '@clapboard/shared/jobs';

/**
 * The work models this deployment has measured for a job type, in the shape `estimatePlan` takes.
 * Only steps with samples count: the API also lists the catalog's cold-start model for the others
 * (with `samples: 0`), and passing those would mark a first guess as measured.
 */
export function learnedWorkOf(info: Pick<JobTypeInfo, 'work'> | undefined): LearnedWork {
  const learned: Record<string, NonNullable<LearnedWork[string]>> = {};
  for (const [kind, m] of Object.entries(info?.work ?? {}))
    if (m.samples > 0)
      learned[kind] = { unit: m.unit, baseSec: m.baseSec, secPerUnit: m.secPerUnit, samples: m.samples };
  return learned;
}

/** USD per worker-second by resource class: the deployment's rate for this type's class. */
export function ratesOf(
  info: Pick<JobTypeInfo, 'resourceClass' | 'usdPerSec'> | undefined,
): Record<ResourceClass, number> {
  return info
    ? { ...DEFAULT_RATES_USD_PER_SEC, [info.resourceClass]: info.usdPerSec }
    : { ...DEFAULT_RATES_USD_PER_SEC };
}

/**
 * Whether a job type can be started now. `unknown` while the list is loading or could not be read:
 * the server stays the judge then (it answers 503 `capability_missing`).
 */
export type Availability =
  | { state: 'unknown' }
  | { state: 'available' }
  | { state: 'unavailable'; reason: string };

export function availabilityOf(items: readonly JobTypeInfo[] | undefined, type: JobType): Availability {
  const info = items?.find((i) => i.type === type);
  if (!info) return { state: 'unknown' };
  if (info.available) return { state: 'available' };
  return { state: 'unavailable', reason: info.reason ?? `No worker runs "${info.title}" now.` };
}
