import type { Redis } from '@clapboard/server/redis';

/**
 * Several tabs of one browser refresh at the same moment with the same cookie. The first rotates
 * the token; the others arrive with the token just rotated. Inside this window they get the same
 * successor instead of being treated as a replay (OAuth 2.1 allows such a grace period); outside it,
 * a rotated token is a replay and revokes its family.
 */
export const REFRESH_GRACE_SEC = 10;

export interface GraceEntry {
  token: string;
  expiresAt: string;
  familyId: string;
  userId: string;
}

const enc = new TextEncoder();
const sha256 = async (text: string) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(text)));
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The successor is stored encrypted (AES-GCM) under a key derived from the rotated token, and
 * looked up by another hash of it: Redis never holds a usable refresh token, and only a caller
 * presenting the rotated token can read its successor.
 */
async function keysFor(prefix: string, rotatedToken: string) {
  const id = `${prefix}:refresh-grace:${hex(await sha256(`grace-id:${rotatedToken}`))}`;
  const key = await crypto.subtle.importKey(
    'raw',
    await sha256(`grace-key:${rotatedToken}`),
    'AES-GCM',
    false,
    ['encrypt', 'decrypt'],
  );
  return { id, key };
}

/** Remembers `entry` as the successor of `rotatedToken` for `ttlSec` (the grace window). */
export async function saveGrace(
  redis: Redis,
  prefix: string,
  rotatedToken: string,
  entry: GraceEntry,
  ttlSec = REFRESH_GRACE_SEC,
) {
  const { id, key } = await keysFor(prefix, rotatedToken);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, enc.encode(JSON.stringify(entry))),
  );
  const value = Buffer.concat([iv, sealed]);
  const ttl = Math.max(1, Math.ceil(ttlSec));
  // The value, then a one-element "ready" list that waiters block on (BLMOVE onto itself reads it
  // without taking it, so every waiting tab wakes).
  await redis
    .multi()
    .set(id, value, 'EX', ttl)
    .del(`${id}:ready`)
    .rpush(`${id}:ready`, '1')
    .expire(`${id}:ready`, ttl)
    .exec();
}

async function openGrace(
  value: Buffer | null,
  key: Awaited<ReturnType<typeof keysFor>>['key'],
): Promise<GraceEntry | null | undefined> {
  if (!value || value.length <= 12) return undefined;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: new Uint8Array(value.subarray(0, 12)) },
      key,
      new Uint8Array(value.subarray(12)),
    );
    return JSON.parse(new TextDecoder().decode(plain)) as GraceEntry;
  } catch {
    return null;
  }
}

/**
 * The successor of `rotatedToken`, waiting up to `waitMs` for the request that rotated it to save
 * it (the racing requests arrive together). Null when none appears: the caller treats it as reuse.
 */
export async function awaitGrace(
  redis: Redis,
  prefix: string,
  rotatedToken: string,
  waitMs = 2_000,
): Promise<GraceEntry | null> {
  const { id, key } = await keysFor(prefix, rotatedToken);
  const now = await openGrace(await redis.getBuffer(id), key);
  if (now !== undefined) return now;
  // Not saved yet: block (on a connection of our own, a blocked one serves nobody else) until the
  // rotating request marks it ready, or the wait runs out. No polling.
  const waiter = redis.duplicate();
  try {
    const ready = await waiter.blmove(`${id}:ready`, `${id}:ready`, 'LEFT', 'RIGHT', waitMs / 1000);
    if (ready === null) return null;
    return (await openGrace(await waiter.getBuffer(id), key)) ?? null;
  } finally {
    waiter.disconnect();
  }
}
