import type { Sql } from '@clapboard/server/db';
import { can, type Permission } from '@clapboard/shared/permissions';
import type { Role } from '@clapboard/shared/roles';
import { forbidden, notFound } from '../errors/http-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The caller's role in a live (not deleted) project, or null when they have none: the highest of
 * their project, campaign and client roles (`effective_project_roles`, migration 0016); a client
 * guest holds `guest` on the client's projects shared with the client.
 */
export async function projectRole(sql: Sql, projectId: string, userId: string): Promise<Role | null> {
  if (!UUID.test(projectId)) return null;
  const [row] = await sql<{ role: Role }[]>`
    select m.role from effective_project_roles m join projects p on p.id = m.project_id
    where m.project_id = ${projectId} and m.user_id = ${userId} and p.deleted_at is null`;
  return row?.role ?? null;
}

/**
 * Checks `permission` for the user on the project through the shared permission table.
 * Non-members (and deleted or unknown projects) get 404, so existence never leaks; members
 * without the permission get 403. Returns the role for handlers that need it.
 */
export async function authorizeProject(
  sql: Sql,
  projectId: string,
  userId: string,
  permission: Permission,
): Promise<Role> {
  const role = await projectRole(sql, projectId, userId);
  if (!role) throw notFound('Project');
  if (!can(role, permission)) throw roleForbidden(role, permission);
  return role;
}

/** The 403 for a member whose role lacks `permission`. */
export function roleForbidden(role: Role, permission: Permission) {
  return forbidden(`Your role (${role}) cannot do this (${permission}).`);
}
