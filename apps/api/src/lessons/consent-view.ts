import type { Sql } from '@clapboard/server/db';
import type { Consent, ConsentKind } from '@clapboard/shared/lessons';
import { isoTimestamp } from '../db/iso-timestamp';

/** A `consents` row as the routes select it (see consentColumns). */
export interface ConsentRow {
  id: string;
  project_id: string;
  kind: ConsentKind;
  subject_name: string;
  asset_id: string;
  scope: string;
  statement_text: string | null;
  statement_asset_id: string | null;
  recorded_by: string | null;
  /** ISO strings (see consentColumns). */
  recorded_at: string;
  revoked_at: string | null;
  cursor_ts: string;
}

/** The columns `toConsent` reads (`k` is `consents`), timestamps in ISO form plus the cursor's. */
export const consentColumns = (sql: Sql) => sql`
  k.id, k.project_id, k.kind, k.subject_name, k.asset_id, k.scope, k.statement_text,
  k.statement_asset_id, k.recorded_by,
  ${isoTimestamp(sql, 'k.created_at')} as recorded_at,
  ${isoTimestamp(sql, 'k.revoked_at')} as revoked_at,
  k.created_at::text as cursor_ts`;

export const toConsent = (r: ConsentRow): Consent => ({
  id: r.id,
  projectId: r.project_id,
  kind: r.kind,
  subjectName: r.subject_name,
  assetId: r.asset_id,
  scope: r.scope,
  statementText: r.statement_text,
  statementAssetId: r.statement_asset_id,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at,
  revokedAt: r.revoked_at,
});
