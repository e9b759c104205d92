import type { Sql } from '@clapboard/server/db';
import type { Lesson } from '@clapboard/shared/lessons';
import { isoTimestamp } from '../db/iso-timestamp';

/** A `lessons` row as the routes select it (see lessonColumns). */
export interface LessonRow {
  id: string;
  project_id: string;
  title: string;
  created_by: string | null;
  /** Already in `Date#toISOString()` form. */
  created_at: string;
  updated_at: string;
  deleted_at: Date | null;
  /** `created_at` at Postgres' full precision, for the keyset cursor. */
  cursor_ts: string;
}

/**
 * The columns `toLesson` reads (`l` is `lessons`): timestamps come out already in ISO form, and
 * `cursor_ts` keeps the microseconds a JS Date would drop (see pagination/cursor.ts).
 */
export const lessonColumns = (sql: Sql) => sql`
  l.id, l.project_id, l.title, l.created_by, l.deleted_at,
  ${isoTimestamp(sql, 'l.created_at')} as created_at,
  ${isoTimestamp(sql, 'l.updated_at')} as updated_at,
  l.created_at::text as cursor_ts`;

export const toLesson = (r: LessonRow): Lesson => ({
  id: r.id,
  projectId: r.project_id,
  title: r.title,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
