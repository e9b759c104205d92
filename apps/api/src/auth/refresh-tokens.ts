import type { Sql } from '@clapboard/server/db';

/** Refresh sessions last 30 days from the last rotation's login; each use rotates the token. */
export const REFRESH_TOKEN_TTL_SEC = 30 * 24 * 60 * 60;

export const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');

/** SHA-256 of the opaque token: the database never holds a usable token. */
export async function hashToken(token: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
}

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  expiresAt: Date;
}

/**
 * Creates a refresh token in `familyId` (a new family = a new login). The token is 32 random bytes,
 * base64url; only its hash is stored.
 */
export async function issueRefreshToken(
  sql: Sql,
  userId: string,
  meta: { familyId?: string; userAgent?: string | null; ip?: string | null } = {},
): Promise<IssuedRefreshToken> {
  const token = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const familyId = meta.familyId ?? crypto.randomUUID();
  const expiresAt = new Date(Date.now() + REFRESH_TOKEN_TTL_SEC * 1000);
  await sql`
    insert into refresh_tokens (user_id, family_id, token_hash, expires_at, user_agent, ip)
    values (${userId}, ${familyId}, ${await hashToken(token)}, ${expiresAt},
            ${meta.userAgent?.slice(0, 300) ?? null}, ${meta.ip ?? null})`;
  return { token, familyId, expiresAt };
}

export type RotateResult =
  | { ok: true; userId: string; next: IssuedRefreshToken }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' }
  /** A replay outside the grace window: the family was revoked here. */
  | { ok: false; reason: 'reused'; userId: string; familyId: string }
  /** Rotated by a concurrent request less than `graceSec` ago: the caller may hand out its successor. */
  | { ok: false; reason: 'raced'; userId: string; familyId: string };

/**
 * Exchanges a refresh token for a new one in the same family. A token rotated less than `graceSec`
 * ago answers `raced` (several tabs refreshing at once; the caller hands out the successor). One
 * rotated earlier is being replayed (stolen): the whole family is revoked, so the thief's and the
 * victim's newest tokens both stop working and the user signs in again.
 * The rotation is a conditional UPDATE, so two concurrent uses of one token cannot both rotate it.
 */
export async function rotateRefreshToken(
  sql: Sql,
  token: string,
  meta: { userAgent?: string | null; ip?: string | null } = {},
  graceSec = 0,
): Promise<RotateResult> {
  if (token.length < 20 || token.length > 200) return { ok: false, reason: 'unknown' };
  const tokenHash = await hashToken(token);
  const [row] = await sql<
    {
      id: string;
      user_id: string;
      family_id: string;
      expires_at: Date;
      rotated_at: Date | null;
      revoked_at: Date | null;
    }[]
  >`select id, user_id, family_id, expires_at, rotated_at, revoked_at from refresh_tokens where token_hash = ${tokenHash}`;
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.revoked_at) return { ok: false, reason: 'revoked' };
  const who = { userId: row.user_id, familyId: row.family_id };
  if (row.rotated_at) return replayed(sql, row.rotated_at, graceSec, who);
  if (row.expires_at.getTime() <= Date.now()) return { ok: false, reason: 'expired' };
  const claimed = await sql`
    update refresh_tokens set rotated_at = now()
    where id = ${row.id} and rotated_at is null and revoked_at is null returning id`;
  if (claimed.length === 0) {
    // Lost a race with another use of the same token (or it was revoked meanwhile).
    const [now] = await sql<{ rotated_at: Date | null; revoked_at: Date | null }[]>`
      select rotated_at, revoked_at from refresh_tokens where id = ${row.id}`;
    if (!now?.rotated_at || now.revoked_at) return { ok: false, reason: 'revoked' };
    return replayed(sql, now.rotated_at, graceSec, who);
  }
  const next = await issueRefreshToken(sql, row.user_id, { ...meta, familyId: row.family_id });
  return { ok: true, userId: row.user_id, next };
}

/** A rotated token presented again: a race inside the grace window, otherwise reuse (family revoked). */
async function replayed(
  sql: Sql,
  rotatedAt: Date,
  graceSec: number,
  who: { userId: string; familyId: string },
): Promise<RotateResult> {
  if (Date.now() - rotatedAt.getTime() < graceSec * 1000) return { ok: false, reason: 'raced', ...who };
  await revokeFamily(sql, who.familyId);
  return { ok: false, reason: 'reused', ...who };
}

/** Revokes every token of a family (logout, or detected reuse). Idempotent. */
export async function revokeFamily(sql: Sql, familyId: string): Promise<void> {
  await sql`update refresh_tokens set revoked_at = now() where family_id = ${familyId} and revoked_at is null`;
}

/** Revokes the family `token` belongs to; unknown tokens are ignored (logout always succeeds). */
export async function revokeByToken(
  sql: Sql,
  token: string,
): Promise<{ userId: string; familyId: string } | null> {
  if (token.length < 20 || token.length > 200) return null;
  const [row] = await sql<{ family_id: string; user_id: string }[]>`
    select family_id, user_id from refresh_tokens where token_hash = ${await hashToken(token)}`;
  if (!row) return null;
  await revokeFamily(sql, row.family_id);
  return { userId: row.user_id, familyId: row.family_id };
}
