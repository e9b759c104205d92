import type { Sql } from '@clapboard/server/db';
import type { JobOutput } from '@clapboard/shared/jobs';

/** The `warnings` (strings) a step's outputs carry in their values, once each. */
export function stepWarnings(outputs: readonly JobOutput[]): string[] {
  const found = new Set<string>();
  for (const o of outputs) {
    const list = (o.value as { warnings?: unknown } | undefined)?.warnings;
    if (Array.isArray(list)) for (const w of list) if (typeof w === 'string' && w) found.add(w.slice(0, 500));
  }
  return [...found];
}

/**
 * Adds a step's warnings (a silhouette for a missing portrait, a provider that failed and what
 * stood in) to its job's list, which `GET /jobs/:id` and the web show next to the result. Reused
 * steps add theirs too, so a render says the same thing however much of it was reused.
 */
export async function recordStepWarnings(
  sql: Sql,
  jobId: string,
  outputs: readonly JobOutput[],
): Promise<void> {
  const warnings = stepWarnings(outputs);
  if (!warnings.length) return;
  await sql`
    update jobs set warnings = (
      select coalesce(jsonb_agg(distinct w), '[]'::jsonb)
      from jsonb_array_elements(warnings || ${sql.json(warnings)}) as w)
    where id = ${jobId}`;
}
