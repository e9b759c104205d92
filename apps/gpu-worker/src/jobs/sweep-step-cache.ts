import type { Sql } from '@clapboard/server/db';
import type { Logger } from '@clapboard/server/logger';
import type { BlobStore } from '@clapboard/server/storage';
import type { StepResult } from './pipeline';

export interface SweepResult {
  /** Cache entries removed. */
  entries: number;
  /** Assets deleted with them (rows and blobs). */
  assets: number;
}

/**
 * Removes cached step outputs nobody has reused for `maxAgeDays` (frames, voices, shot parts,
 * transitions, soundtrack spans of old renders), and deletes their assets unless a job lists the
 * asset among its results (a finished render's video, a picked frame) or another cache entry
 * still holds it. Entries being read right now are skipped (row locks), and a read refreshes an
 * entry's age, so a render never loses an input it just found. Works in batches of `batch`.
 */
export async function sweepStepCache(
  sql: Sql,
  store: BlobStore,
  options: { maxAgeDays: number; batch?: number },
): Promise<SweepResult> {
  const total: SweepResult = { entries: 0, assets: 0 };
  for (;;) {
    const removed = await sql.begin(async (tx) => {
      const rows = await tx<{ outputs: StepResult }[]>`
        delete from step_outputs where cache_key in (
          select cache_key from step_outputs
          where last_used_at < now() - make_interval(days => ${options.maxAgeDays})
          order by last_used_at limit ${options.batch ?? 200}
          for update skip locked)
        returning outputs`;
      const ids = [
        ...new Set(rows.flatMap((r) => r.outputs.outputs.map((o) => o.assetId).filter(Boolean) as string[])),
      ];
      const assets = ids.length
        ? await tx<{ storage_key: string }[]>`
            delete from assets a where a.id in ${tx(ids)} and a.job_id is not null
              and not exists (
                select 1 from jobs j, jsonb_array_elements(j.outputs) o
                where j.project_id = a.project_id and o ->> 'assetId' = a.id::text)
              and not exists (
                select 1 from step_outputs s, jsonb_array_elements(s.outputs -> 'outputs') o
                where s.project_id = a.project_id and o ->> 'assetId' = a.id::text)
            returning storage_key`
        : [];
      return { entries: rows.length, keys: assets.map((a) => a.storage_key) };
    });
    // Blobs go after the rows are gone: a crash in between leaves an orphan blob, never a row
    // pointing at nothing.
    await Promise.allSettled(removed.keys.map((k) => store.delete(k)));
    total.entries += removed.entries;
    total.assets += removed.keys.length;
    if (removed.entries < (options.batch ?? 200)) return total;
  }
}

/**
 * Sweeps the step cache now and then every `intervalMs` (several workers may sweep at once; each
 * takes different rows). 0 days turns it off.
 */
export function startStepCacheSweeper(o: {
  sql: Sql;
  store: BlobStore;
  log: Logger;
  maxAgeDays: number;
  intervalMs?: number;
}): { stop(): void } {
  if (o.maxAgeDays <= 0) return { stop() {} };
  const sweep = () =>
    sweepStepCache(o.sql, o.store, { maxAgeDays: o.maxAgeDays }).then(
      (r) => {
        if (r.entries) o.log.info(r, 'step cache swept');
      },
      (err: unknown) => o.log.warn({ err }, 'step cache sweep failed; trying again later'),
    );
  const first = setTimeout(sweep, 60_000);
  const timer = setInterval(sweep, o.intervalMs ?? 3_600_000);
  first.unref();
  timer.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
