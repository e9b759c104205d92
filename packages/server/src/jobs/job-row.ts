import type { Job, JobOutput, JobProgress, JobStatus, JobType } from '@clapboard/shared/jobs';

/** A `jobs` row as postgres.js returns it. */
export interface JobRow {
  id: string;
  project_id: string;
  type: string;
  status: JobStatus;
  params: Record<string, unknown>;
  priority: number;
  run: number;
  progress: JobProgress | null;
  outputs: JobOutput[];
  error: string | null;
  cost_estimate_usd: number;
  cost_actual_usd: number;
  estimate: { seconds: number; steps: Array<{ step: string; kind: string; units: number; seconds: number }> };
  actual_sec: number;
  version_id: string | null;
  created_by: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  cancel_requested_at: Date | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Maps a `jobs` row to the shared `Job` shape the API and Socket.IO acks return. */
export function rowToJob(row: JobRow): Job {
  return {
    id: row.id,
    projectId: row.project_id,
    type: row.type as JobType,
    status: row.status,
    run: row.run,
    params: row.params,
    priority: row.priority,
    progress: row.progress,
    outputs: row.outputs,
    error: row.error,
    costEstimateUsd: Number(row.cost_estimate_usd),
    costActualUsd: Number(row.cost_actual_usd),
    estimatedSec: Number(row.estimate?.seconds ?? 0),
    actualSec: Math.round(Number(row.actual_sec ?? 0) * 1000) / 1000,
    versionId: row.version_id,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}
