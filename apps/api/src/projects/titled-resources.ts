import type { Sql } from '@clapboard/server/db';
import type { PendingQuery, Row as PgRow } from 'postgres';
import { type AuditEntry, writeAudit } from '../audit/write-audit';
import { notFound } from '../errors/http-error';

/** A project's titled, soft-deleted resources that share rename and delete (lessons, lectures). */
export type TitledTable = 'lessons' | 'lectures';

type Audit = Omit<AuditEntry, 'projectId' | 'targetId' | 'details'>;

/**
 * Renames a live row of `table` and audits it in the same transaction; 404 (`label`) when it was
 * deleted between the caller's permission check and the update. Returns the row read through
 * `columns` (the resource's view columns).
 */
export async function renameTitled<Row extends { project_id: string }>(
  sql: Sql,
  o: {
    table: TitledTable;
    id: string;
    title: string;
    before: string;
    label: string;
    columns: (sql: Sql) => PendingQuery<PgRow[]>;
    audit: Audit;
  },
): Promise<Row> {
  const row = await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [found] = await t<Row[]>`
      with l as (
        update ${t(o.table)} set title = ${o.title}, updated_at = now()
        where id = ${o.id} and deleted_at is null returning *)
      select ${o.columns(t)} from l`;
    if (!found) throw notFound(o.label);
    await writeAudit(t, {
      ...o.audit,
      projectId: found.project_id,
      targetId: o.id,
      details: { from: o.before, to: o.title },
    });
    return found;
  });
  return row as Row;
}

/**
 * Soft-deletes a live row of `table` and audits it in the same transaction; 404 (`label`) when it
 * is already gone.
 */
export async function softDeleteTitled(
  sql: Sql,
  o: { table: TitledTable; id: string; projectId: string; title: string; label: string; audit: Audit },
): Promise<void> {
  const deleted = await sql.begin(async (tx) => {
    const t = tx as unknown as Sql;
    const [r] = await t`
      update ${t(o.table)} set deleted_at = now(), updated_at = now()
      where id = ${o.id} and deleted_at is null returning id`;
    if (!r) return false;
    await writeAudit(t, { ...o.audit, projectId: o.projectId, targetId: o.id, details: { title: o.title } });
    return true;
  });
  if (!deleted) throw notFound(o.label);
}
