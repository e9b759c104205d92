import { JOB_CATALOG, JOB_TYPES, type JobType } from '@clapboard/shared/jobs';
import type { Redis } from 'ioredis';
import { readModelsReport } from '../models-report';

/** How long one process trusts what it read of the workers' reports (ms). */
export const CAPABILITY_CACHE_MS = 2_000;

/** Which catalog types some live worker runs now, and why the others cannot run. */
export interface JobCapabilities {
  runnable: ReadonlySet<JobType>;
  /** A sentence for a person, per type nobody runs. */
  missing: ReadonlyMap<JobType, string>;
}

/** No live worker runs this job type; the API answers 503 and reserves nothing. */
export class CapabilityMissingError extends Error {
  override name = 'CapabilityMissingError';
  constructor(
    readonly type: JobType,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * Reads the job types live workers announce in their models reports (a worker lists a type when
 * it has the pipeline, can run it as configured and consumes the type's queue; a report expires
 * when its worker stops publishing). For a type nobody runs, the reason a worker gave for
 * declining it (e.g. no LLM provider configured) is passed on; otherwise the reason says which
 * worker to start. Cached per process for CAPABILITY_CACHE_MS.
 */
export function createCapabilities(redis: Redis, redisPrefix = 'clapboard') {
  let cached: { at: number; value: Promise<JobCapabilities>; settled?: JobCapabilities } | null = null;
  let refreshing: Promise<void> | null = null;
  /** Bumped whenever the cache is dropped, so a background read begun before cannot bring it back. */
  let generation = 0;
  const read = async (): Promise<JobCapabilities> => {
    const reports = await readModelsReport(redis, redisPrefix);
    const runnable = new Set<JobType>();
    for (const r of reports) for (const t of r.pipelines) if (t in JOB_CATALOG) runnable.add(t as JobType);
    // A worker that has a pipeline it cannot run as configured says why; that reason beats ours.
    const declined = new Map<string, string>();
    for (const r of reports)
      for (const u of r.unavailable) if (!declined.has(u.type)) declined.set(u.type, u.reason);
    const missing = new Map<JobType, string>();
    for (const t of JOB_TYPES)
      if (!runnable.has(t))
        missing.set(
          t,
          declined.get(t) ??
            (reports.length === 0
              ? `No worker is running, so "${JOB_CATALOG[t].title}" (${t}) cannot run now. Start one (npm start starts one; or npm run dev -w @clapboard/gpu-worker).`
              : `None of the ${reports.length} running worker(s) runs "${JOB_CATALOG[t].title}" (${t}) on the ${JOB_CATALOG[t].resourceClass} queue. Start a worker with WORKER_QUEUES including ${JOB_CATALOG[t].resourceClass}.`),
        );
    return { runnable, missing };
  };
  return {
    /** The current capabilities (cached briefly). */
    get(): Promise<JobCapabilities> {
      if (cached && Date.now() - cached.at < CAPABILITY_CACHE_MS) return cached.value;
      const value = read();
      const entry: NonNullable<typeof cached> = { at: Date.now(), value };
      cached = entry;
      value.then(
        (caps) => {
          entry.settled = caps;
        },
        () => {
          if (cached === entry) cached = null;
        },
      );
      return value;
    },
    /**
     * @throws CapabilityMissingError when no live worker runs `type` (a cached "no" is read again
     *   first, so a worker that just started is seen at once)
     */
    async require(type: JobType): Promise<void> {
      let caps = await this.get();
      if (caps.runnable.has(type)) return;
      cached = null;
      generation++;
      caps = await this.get();
      if (!caps.runnable.has(type)) throw new CapabilityMissingError(type, caps.missing.get(type) ?? type);
    },
    /**
     * Whether the cached capabilities, still fresh, say a live worker runs `type`; false when
     * unknown (then `require` decides). Lets a hot path skip the await without trusting stale data.
     */
    runsNow(type: JobType): boolean {
      if (!cached?.settled) return false;
      const age = Date.now() - cached.at;
      // Past half its life the entry is read again in the background while still answered from,
      // so a steady stream of submissions never finds it expired.
      if (age >= CAPABILITY_CACHE_MS / 2 && !refreshing) {
        const started = generation;
        refreshing = read().then(
          (caps) => {
            if (started === generation)
              cached = { at: Date.now(), value: Promise.resolve(caps), settled: caps };
          },
          () => {},
        );
        void refreshing.finally(() => {
          refreshing = null;
        });
      }
      return age < CAPABILITY_CACHE_MS && cached.settled.runnable.has(type);
    },
    /** Drops the cache (tests that start or stop workers). */
    forget(): void {
      cached = null;
      generation++;
    },
  };
}
export type Capabilities = ReturnType<typeof createCapabilities>;
