import type { Sql } from '@clapboard/server/db';
import { can, type Permission } from '@clapboard/shared/permissions';
import type { Role } from '@clapboard/shared/roles';
import { notFound } from '../errors/http-error';
import { roleForbidden } from './authorize-project';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The caller's role on a live client, or null when they have none. */
export async function clientRole(sql: Sql, clientId: string, userId: string): Promise<Role | null> {
  if (!UUID.test(clientId)) return null;
  const [row] = await sql<{ role: Role }[]>`
    select m.role from client_members m join clients c on c.id = m.client_id
    where m.client_id = ${clientId} and m.user_id = ${userId} and c.deleted_at is null`;
  return row?.role ?? null;
}

/**
 * Checks `permission` on a client through the shared permission table: people without a role get
 * 404 (existence never leaks), those whose role lacks the permission 403. Returns the role.
 */
export async function authorizeClient(
  sql: Sql,
  clientId: string,
  userId: string,
  permission: Permission,
): Promise<Role> {
  const role = await clientRole(sql, clientId, userId);
  if (!role) throw notFound('Client');
  if (!can(role, permission)) throw roleForbidden(role, permission);
  return role;
}

export interface CampaignAccess {
  role: Role;
  clientId: string;
}

/**
 * The caller's role on a live campaign of a live client (the higher of their campaign and client
 * roles, `effective_campaign_roles`), or null. A client guest holds `guest` on the client's
 * campaigns that have a project shared with the client, and sees in them only those projects.
 */
export async function campaignAccess(
  sql: Sql,
  campaignId: string,
  userId: string,
): Promise<CampaignAccess | null> {
  if (!UUID.test(campaignId)) return null;
  const [row] = await sql<{ role: Role; client_id: string }[]>`
    select m.role, c.client_id from effective_campaign_roles m
    join campaigns c on c.id = m.campaign_id and c.deleted_at is null
    join clients k on k.id = c.client_id and k.deleted_at is null
    where m.campaign_id = ${campaignId} and m.user_id = ${userId}
      and (m.role <> 'guest' or ${guestSeesCampaign(sql)})`;
  return row ? { role: row.role, clientId: row.client_id } : null;
}

/** SQL: the campaign `c` has a live project shared with its client (what makes it a guest's). */
export const guestSeesCampaign = (sql: Sql) =>
  sql`exists (select 1 from projects gp where gp.campaign_id = c.id and gp.client_shared and gp.deleted_at is null)`;

/** `authorizeClient` for a campaign: 404 without a role, 403 without the permission. */
export async function authorizeCampaign(
  sql: Sql,
  campaignId: string,
  userId: string,
  permission: Permission,
): Promise<CampaignAccess> {
  const access = await campaignAccess(sql, campaignId, userId);
  if (!access) throw notFound('Campaign');
  if (!can(access.role, permission)) throw roleForbidden(access.role, permission);
  return access;
}
