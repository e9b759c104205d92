import type { Sql } from '@clapboard/server/db';
import type { Lecture } from '@clapboard/shared/highlights';
import { isoTimestamp } from '../db/iso-timestamp';

/** A `lectures` row as the routes select it (see lectureColumns). */
export interface LectureRow {
  id: string;
  project_id: string;
  title: string;
  asset_id: string;
  duration_sec: number | null;
  analysis_job_id: string | null;
  created_by: string | null;
  /** Already in `Date#toISOString()` form. */
  created_at: string;
  deleted_at: Date | null;
  /** `created_at` at Postgres' full precision, for the keyset cursor. */
  cursor_ts: string;
}

/**
 * The columns `toLecture` reads (`l` is `lectures`). `analysis_job_id` is the newest
 * `highlights.extract` job for the lecture whatever its status (so a teammate opening it sees the
 * run in progress), falling back to the column a job submit may have set.
 */
export const lectureColumns = (sql: Sql) => sql`
  l.id, l.project_id, l.title, l.asset_id, l.duration_sec, l.created_by, l.deleted_at,
  coalesce(
    (select j.id from jobs j
     where j.project_id = l.project_id and j.type = 'highlights.extract' and j.params->>'lectureId' = l.id::text
     order by j.created_at desc limit 1),
    l.analysis_job_id) as analysis_job_id,
  ${isoTimestamp(sql, 'l.created_at')} as created_at,
  l.created_at::text as cursor_ts`;

export const toLecture = (r: LectureRow): Lecture => ({
  id: r.id,
  projectId: r.project_id,
  title: r.title,
  assetId: r.asset_id,
  durationSec: r.duration_sec,
  analysisJobId: r.analysis_job_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
});
