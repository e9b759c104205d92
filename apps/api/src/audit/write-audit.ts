import type { Queryable } from '@clapboard/server/db';

export interface AuditEntry {
  projectId: string | null;
  actorId: string | null;
  /** Dotted verb, e.g. `project.create`, `member.role_change`, `asset.delete`. */
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  ip?: string | null;
}

/**
 * Appends one row to `audit_log`. Pass the transaction when the change runs in one, so the entry
 * commits (or rolls back) with the change it describes.
 */
export async function writeAudit(sql: Queryable, entry: AuditEntry) {
  const details = entry.details ?? {};
  await sql`
    insert into audit_log (project_id, actor_id, action, target_type, target_id, details, ip)
    values (${entry.projectId}, ${entry.actorId}, ${entry.action}, ${entry.targetType ?? null},
            ${entry.targetId ?? null}, ${sql.json(details as never)}, ${entry.ip ?? null})`;
}
