import { z } from 'zod';

/**
 * Roles a person holds as a member of a project, a campaign or a client, most powerful first.
 * A member of a client or a campaign holds that role on every project beneath it (roles inherit
 * downward); the highest role from any source wins.
 */
export const MEMBER_ROLES = ['owner', 'editor', 'reviewer', 'viewer'] as const;
export const memberRoleSchema = z.enum(MEMBER_ROLES);
export type MemberRole = z.infer<typeof memberRoleSchema>;

/**
 * Every role, the client `guest` included: a person on the client's side who sees only the
 * projects shared with the client, their variants and the comments marked client-visible, and
 * may approve or ask for changes on a variant. A guest is never a project member.
 */
export const ROLES = [...MEMBER_ROLES, 'guest'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** Higher is more powerful; used to compare roles (e.g. "editor or above"). */
export const ROLE_RANK: Readonly<Record<Role, number>> = {
  owner: 4,
  editor: 3,
  reviewer: 2,
  viewer: 1,
  guest: 0,
};

/** True when `role` is at least `minimum`. */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[minimum];
}

/** The more powerful of two roles (null counts as no role). */
export function higherRole(a: Role | null | undefined, b: Role | null | undefined): Role | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return ROLE_RANK[a] >= ROLE_RANK[b] ? a : b;
}
