import { createHash } from 'node:crypto';
import type { Sql } from '@clapboard/server/db';
import type { StepResult } from './pipeline';

/** JSON with sorted keys, so equal inputs always hash the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * Content address of a step's output: its project, type, definition, version and inputs. Outputs
 * are assets of the project that made them, which another project's jobs may not read, so two
 * projects with the same inputs each make their own.
 */
export function stepCacheKey(
  projectId: string,
  type: string,
  definition: string,
  version: number,
  input: unknown,
): string {
  return createHash('sha256')
    .update(canonicalJson({ projectId, type, definition, version, input }))
    .digest('hex');
}

/** A stored result for `key`, if its assets still exist; marks it used (see sweepStepCache). */
export async function readCachedStep(sql: Sql, key: string): Promise<StepResult | null> {
  const [row] = await sql<{ outputs: StepResult }[]>`
    update step_outputs set last_used_at = now() where cache_key = ${key} returning outputs`;
  if (!row) return null;
  const assetIds = row.outputs.outputs.map((o) => o.assetId).filter((id): id is string => Boolean(id));
  if (assetIds.length) {
    const [{ live }] =
      (await sql`select count(*)::int as live from assets where id in ${sql(assetIds)} and deleted_at is null`) as unknown as [
        { live: number },
      ];
    if (live !== assetIds.length) {
      await sql`delete from step_outputs where cache_key = ${key}`;
      return null;
    }
  }
  return row.outputs;
}

/** Keeps `result` under `key` for later jobs of `projectId` (the project its assets belong to). */
export async function writeCachedStep(
  sql: Sql,
  projectId: string,
  key: string,
  step: string,
  result: StepResult,
): Promise<void> {
  await sql`
    insert into step_outputs (cache_key, project_id, step, outputs)
    values (${key}, ${projectId}, ${step}, ${sql.json(result as never)}) on conflict do nothing`;
}
