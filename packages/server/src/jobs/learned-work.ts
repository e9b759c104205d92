import { fitWorkModel, type LearnedWork, type WorkSample } from '@clapboard/shared/job-plan';
import { JOB_CATALOG, type JobDefinition, type JobType } from '@clapboard/shared/jobs';
import type { Sql } from '../db/connect-db';

/** Measured steps per catalog step the fit looks at (the most recent). */
export const LEARN_WINDOW = 50;
/** How long one process keeps a fitted model before reading the timings again (ms). */
export const LEARN_CACHE_MS = 10_000;

const cache = new WeakMap<Sql, Map<string, { at: number; work: Promise<LearnedWork> }>>();

/**
 * Work models fitted to this deployment's measured step timings (`step_timings`, the last
 * LEARN_WINDOW per catalog step), for the steps of `type` that have history; the estimate falls
 * back to the catalog's cold-start model for the others. Cached per process for LEARN_CACHE_MS so
 * a burst of submissions reads the table once.
 */
export function learnedWork(
  sql: Sql,
  type: JobType | string,
  definition: JobDefinition = JOB_CATALOG[type as JobType],
): Promise<LearnedWork> {
  const byType = cache.get(sql) ?? new Map<string, { at: number; work: Promise<LearnedWork> }>();
  cache.set(sql, byType);
  const hit = byType.get(type);
  if (hit && Date.now() - hit.at < LEARN_CACHE_MS) return hit.work;
  const work = readLearnedWork(sql, type, definition);
  byType.set(type, { at: Date.now(), work });
  work.catch(() => byType.delete(type));
  return work;
}

async function readLearnedWork(sql: Sql, type: string, definition: JobDefinition): Promise<LearnedWork> {
  const rows = await sql<{ step_kind: string; units: number; seconds: number }[]>`
    select step_kind, units, seconds from (
      select step_kind, units, seconds, row_number() over (partition by step_kind order by id desc) as n
      from step_timings where job_type = ${type}) recent
    where n <= ${LEARN_WINDOW}`;
  const samples = new Map<string, WorkSample[]>();
  for (const r of rows) {
    const list = samples.get(r.step_kind) ?? [];
    list.push({ units: Number(r.units), seconds: Number(r.seconds) });
    samples.set(r.step_kind, list);
  }
  const learned: Record<string, ReturnType<typeof fitWorkModel>> = {};
  for (const [kind, list] of samples) {
    const unit = definition.work[kind]?.unit;
    if (!unit) continue;
    const fit = fitWorkModel(unit, list);
    if (fit) learned[kind] = fit;
  }
  return learned as LearnedWork;
}

/** Forgets fitted models (tests that record timings and want them seen at once). */
export function forgetLearnedWork(sql: Sql): void {
  cache.delete(sql);
}
