import type { Role } from './roles';

/**
 * The one permission table. Every authorization check on the server (API routes, realtime rooms,
 * document writes, job actions) reads it through `can()`; the web app reads it to hide controls a
 * role cannot use (the server still checks).
 */
export const PERMISSIONS = {
  'project:read': ['owner', 'editor', 'reviewer', 'viewer'],
  'project:update': ['owner', 'editor'],
  'project:delete': ['owner'],
  'members:read': ['owner', 'editor', 'reviewer', 'viewer'],
  'members:manage': ['owner'],
  /** Removing yourself from a project (the last owner still cannot: the API answers 409). */
  'members:leave': ['owner', 'editor', 'reviewer', 'viewer'],
  /** Asking for a realtime ticket (Yjs + Socket.IO); writes are then limited by `document:write`. */
  'realtime:connect': ['owner', 'editor', 'reviewer', 'viewer'],
  'document:read': ['owner', 'editor', 'reviewer', 'viewer'],
  'document:write': ['owner', 'editor'],
  'presence:write': ['owner', 'editor', 'reviewer', 'viewer'],
  'versions:read': ['owner', 'editor', 'reviewer', 'viewer'],
  'versions:write': ['owner', 'editor'],
  'assets:read': ['owner', 'editor', 'reviewer', 'viewer'],
  'assets:write': ['owner', 'editor'],
  'assets:delete': ['owner', 'editor'],
  'jobs:read': ['owner', 'editor', 'reviewer', 'viewer'],
  'jobs:create': ['owner', 'editor'],
  'jobs:cancel': ['owner', 'editor'],
  'comments:read': ['owner', 'editor', 'reviewer', 'viewer'],
  'comments:write': ['owner', 'editor', 'reviewer'],
  'comments:moderate': ['owner'],
  'approvals:write': ['owner', 'reviewer'],
  'budget:read': ['owner', 'editor', 'reviewer', 'viewer'],
  'budget:manage': ['owner'],
  'exports:create': ['owner', 'editor', 'reviewer'],
  /** Lessons: create, rename, delete (their content is a document write). */
  'lessons:write': ['owner', 'editor'],
  /** Consent records for a likeness: everyone sees them; owners and editors record and revoke. */
  'consents:read': ['owner', 'editor', 'reviewer', 'viewer'],
  'consents:write': ['owner', 'editor'],
  /** Lectures: upload, create, rename, delete (analysis and clips are jobs: `jobs:create`). */
  'lectures:write': ['owner', 'editor'],
  /** Share links that play a lesson without sign-in. */
  'shares:manage': ['owner', 'editor'],
  /**
   * Comments the client does not see (every comment not marked client-visible). Guests read and
   * write only client-visible comments, and only on variants (`variants:comment`).
   */
  'comments:internal': ['owner', 'editor', 'reviewer', 'viewer'],
  /** Platform variants of a storyboard (renders of one preset) and their review. */
  'variants:read': ['owner', 'editor', 'reviewer', 'viewer', 'guest'],
  'variants:comment': ['owner', 'editor', 'reviewer', 'guest'],
  'variants:approve': ['owner', 'reviewer', 'guest'],
  /** Share a project (its variants) with the client's guests, or stop sharing it. */
  'client:share': ['owner', 'editor'],
  /** Clients and campaigns (a role there holds on every project beneath). */
  'client:read': ['owner', 'editor', 'reviewer', 'viewer', 'guest'],
  'client:update': ['owner'],
  'client:members': ['owner'],
  'campaigns:create': ['owner', 'editor'],
  'campaign:read': ['owner', 'editor', 'reviewer', 'viewer', 'guest'],
  'campaign:update': ['owner', 'editor'],
  'campaign:members': ['owner'],
  'campaign:delete': ['owner'],
  /** Create projects in a campaign, or move one of yours into it. */
  'campaign:projects': ['owner', 'editor'],
  /** Briefs, brand kits, the gallery of every output, and the money (spend, budgets). */
  'briefs:read': ['owner', 'editor', 'reviewer', 'viewer'],
  'briefs:write': ['owner', 'editor'],
  'brandkits:read': ['owner', 'editor', 'reviewer', 'viewer'],
  'brandkits:write': ['owner', 'editor'],
  'gallery:read': ['owner', 'editor', 'reviewer', 'viewer'],
  'spend:read': ['owner', 'editor'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Whether `role` may perform `permission`. A missing role (non-member) may do nothing. */
export function can(role: Role | null | undefined, permission: Permission): boolean {
  if (!role) return false;
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Every permission `role` holds, for clients that render controls by role. */
export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(role, p));
}
