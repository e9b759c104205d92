import { type Job, jobSchema } from '@clapboard/shared/jobs';

/** A `jobs` row as postgres.js returns it (snake_case columns, timestamps as Date). */
export interface JobRow {
  id: string;
  project_id: string;
  type: string;
  status: string;
  params: Record<string, unknown> | null;
  priority: number;
  progress: unknown;
  outputs: unknown;
  error: string | null;
  cost_estimate_usd: number | string;
  cost_actual_usd: number | string;
  version_id: string | null;
  created_by: string | null;
  created_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
}

const iso = (v: Date | string) => (v instanceof Date ? v.toISOString() : new Date(v).toISOString());

/**
 * Maps a `jobs` row to the shared `Job` shape (what the API returns and Socket.IO acks carry).
 * Parses with `jobSchema`, so a row that breaks the contract throws here rather than reaching a
 * client; a malformed `progress` document reads as null (a worker's late write must not hide the job).
 */
export function jobFromRow(row: JobRow): Job {
  return jobSchema.parse({
    id: row.id,
    projectId: row.project_id,
    type: row.type,
    status: row.status,
    params: row.params ?? {},
    priority: row.priority,
    progress: row.progress == null ? null : (jobSchema.shape.progress.safeParse(row.progress).data ?? null),
    outputs: Array.isArray(row.outputs) ? row.outputs : [],
    error: row.error,
    costEstimateUsd: Number(row.cost_estimate_usd),
    costActualUsd: Number(row.cost_actual_usd),
    versionId: row.version_id,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    startedAt: row.started_at ? iso(row.started_at) : null,
    finishedAt: row.finished_at ? iso(row.finished_at) : null,
  });
}
