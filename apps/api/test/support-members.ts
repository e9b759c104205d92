import type { Sql } from '@clapboard/server/db';
import type { MemberRole } from '@clapboard/shared/roles';
import { signAccessToken } from '../src/auth/access-token';

export type Actor = MemberRole | 'outsider' | 'anonymous';
export const ACTORS: Actor[] = ['owner', 'editor', 'reviewer', 'viewer', 'outsider', 'anonymous'];

export interface Cast {
  projectId: string;
  /** A second project the actors (other than outsider) do NOT belong to, for IDOR checks. */
  otherProjectId: string;
  userIds: Record<Exclude<Actor, 'anonymous'>, string>;
  headers(actor: Actor): Record<string, string>;
}

/**
 * One project with a member of each role, an outsider who owns another project, and bearer
 * headers for each. Users are inserted directly; tokens are real access tokens.
 */
export async function createCast(sql: Sql, secret: string, label = 'cast'): Promise<Cast> {
  const userIds = {} as Cast['userIds'];
  for (const who of ['owner', 'editor', 'reviewer', 'viewer', 'outsider'] as const) {
    const [u] = await sql<
      { id: string }[]
    >`insert into users (email, name, password_hash) values (${`${who}.${label}@test.co`}, ${who}, 'x') returning id`;
    userIds[who] = u!.id;
  }
  const [p] = await sql<
    { id: string }[]
  >`insert into projects (name, created_by) values (${`P ${label}`}, ${userIds.owner}) returning id`;
  const [o] = await sql<
    { id: string }[]
  >`insert into projects (name, created_by) values (${`Other ${label}`}, ${userIds.outsider}) returning id`;
  for (const role of ['owner', 'editor', 'reviewer', 'viewer'] as const) {
    await sql`insert into project_members (project_id, user_id, role) values (${p!.id}, ${userIds[role]}, ${role})`;
  }
  await sql`insert into project_members (project_id, user_id, role) values (${o!.id}, ${userIds.outsider}, 'owner')`;
  const tokens = {} as Record<string, string>;
  for (const [who, id] of Object.entries(userIds))
    tokens[who] = (await signAccessToken(secret, { userId: id })).token;
  return {
    projectId: p!.id,
    otherProjectId: o!.id,
    userIds,
    headers: (actor): Record<string, string> =>
      actor === 'anonymous' ? {} : { authorization: `Bearer ${tokens[actor]}` },
  };
}
