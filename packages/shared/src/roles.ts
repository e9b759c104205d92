import { z } from 'zod';

/** Project roles, most powerful first. */
export const ROLES = ['owner', 'editor', 'reviewer', 'viewer'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** Higher is more powerful; used to compare roles (e.g. "editor or above"). */
export const ROLE_RANK: Readonly<Record<Role, number>> = { owner: 3, editor: 2, reviewer: 1, viewer: 0 };

/** True when `role` is at least `minimum`. */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[minimum];
}
