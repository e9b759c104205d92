import type { Sql } from '@clapboard/server/db';
import { hashToken, toBase64Url } from './refresh-tokens';

/** A reset link works for one hour by default (PASSWORD_RESET_TTL_MIN). */
export const DEFAULT_PASSWORD_RESET_TTL_SEC = 3600;

/**
 * Creates a one-time reset token for `userId` (32 random bytes, base64url; only its SHA-256 is
 * stored) and returns the link the user opens: `<publicUrl>/reset-password#token=…`. The token sits
 * in the fragment, so it never reaches server logs or a Referer header.
 */
export async function issuePasswordReset(
  sql: Sql,
  publicUrl: string,
  userId: string,
  options: { ttlSec: number; issuedBy?: string },
): Promise<{ url: string; expiresAt: Date }> {
  const token = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const expiresAt = new Date(Date.now() + options.ttlSec * 1000);
  await sql`
    insert into password_resets (user_id, token_hash, expires_at, issued_by)
    values (${userId}, ${await hashToken(token)}, ${expiresAt}, ${options.issuedBy ?? null})`;
  return { url: `${publicUrl.replace(/\/$/, '')}/reset-password#token=${token}`, expiresAt };
}

/**
 * Uses a reset token: a guarded update marks it used, so a link works exactly once even when two
 * requests race. Every other outstanding link of the user is spent with it. Returns the user id, or
 * null for an unknown, used or expired token.
 */
export async function consumePasswordReset(sql: Sql, token: string): Promise<string | null> {
  const [row] = await sql<{ user_id: string }[]>`
    update password_resets set used_at = now()
    where token_hash = ${await hashToken(token)} and used_at is null and expires_at > now()
    returning user_id`;
  if (!row) return null;
  await sql`update password_resets set used_at = now() where user_id = ${row.user_id} and used_at is null`;
  return row.user_id;
}

/** Spends every outstanding reset link of a user (after a password change). */
export async function spendPasswordResets(sql: Sql, userId: string): Promise<void> {
  await sql`update password_resets set used_at = now() where user_id = ${userId} and used_at is null`;
}
