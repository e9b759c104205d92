import type { Sql } from '@clapboard/server/db';
import type { Role } from '@clapboard/shared/roles';

export type ProjectAccess = { ok: true; role: Role } | { ok: false; reason: 'not_found' | 'not_member' };

/**
 * The user's role in a project, read from Postgres (the authority; the ticket's role may be stale).
 * Tells a deleted or unknown project apart from a missing membership so each gets its close code.
 */
export async function projectAccess(sql: Sql, projectId: string, userId: string): Promise<ProjectAccess> {
  const [row] = await sql<{ deleted: boolean; role: Role | null }[]>`
    select p.deleted_at is not null as deleted, m.role
    from projects p left join effective_project_roles m on m.project_id = p.id and m.user_id = ${userId}
    where p.id = ${projectId}`;
  if (!row || row.deleted) return { ok: false, reason: 'not_found' };
  if (!row.role) return { ok: false, reason: 'not_member' };
  return { ok: true, role: row.role };
}
