import type { Sql } from '@clapboard/server/db';
import { type Brief, briefFieldsSchema, briefSchema } from '@clapboard/shared/campaigns';
import { isoTimestamp } from '../db/iso-timestamp';

/** A `briefs` row as the routes select it (see briefColumns). */
export interface BriefRow {
  id: string;
  campaign_id: string;
  project_id: string;
  /** `briefFieldsSchema`, as the API stored it. */
  fields: unknown;
  last_draft: unknown;
  /** Already in `Date#toISOString()` form. */
  created_at: string;
  updated_at: string;
  /** `created_at` at Postgres' full precision, for the keyset cursor. */
  cursor_ts: string;
}

/**
 * The columns `toBrief` reads (`b` is `briefs`): timestamps already in ISO form, and `cursor_ts`
 * keeping the microseconds a JS Date would drop (see pagination/cursor.ts).
 */
export const briefColumns = (sql: Sql) => sql`
  b.id, b.campaign_id, b.project_id, b.fields, b.last_draft,
  ${isoTimestamp(sql, 'b.created_at')} as created_at,
  ${isoTimestamp(sql, 'b.updated_at')} as updated_at,
  b.created_at::text as cursor_ts`;

const lastDraftSchema = briefSchema.shape.lastDraft;

/** The brief as the API returns it; stored fields are read through the shared schema (defaults filled). */
export const toBrief = (r: BriefRow): Brief => ({
  ...briefFieldsSchema.parse(r.fields),
  id: r.id,
  campaignId: r.campaign_id,
  projectId: r.project_id,
  lastDraft: lastDraftSchema.parse(r.last_draft ?? null),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
