import { hmacKey, TOKEN_ISSUER } from '@clapboard/server/tickets';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

/** Access tokens live 15 minutes; the refresh cookie renews them. */
export const ACCESS_TOKEN_TTL_SEC = 15 * 60;
export const ACCESS_TOKEN_AUDIENCE = 'clapboard-api';
const ALGORITHMS = ['HS256'];

export interface AccessClaims {
  userId: string;
  /** Refresh-token family this session belongs to (for logout everywhere / revocation). */
  sessionId?: string;
}

/** Signs a short-lived access JWT (HS256, iss `clapboard`, aud `clapboard-api`, exp). */
export async function signAccessToken(
  secret: string,
  claims: AccessClaims,
  ttlSec = ACCESS_TOKEN_TTL_SEC,
): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + ttlSec * 1000);
  const token = await new SignJWT(claims.sessionId ? { sid: claims.sessionId } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(await hmacKey(secret, 'access'));
  return { token, expiresAt };
}

export type AccessVerdict = { ok: true; claims: AccessClaims } | { ok: false; reason: 'expired' | 'invalid' };

/** Tokens whose signature and claims were verified, per secret, with their expiry (ms). */
const verified = new Map<string, Map<string, { claims: AccessClaims; expMs: number }>>();
/** Verified tokens kept per secret (a browser tab holds one at a time; oldest dropped first). */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/**
 * Verifies an access token with an explicit algorithm allowlist, issuer, audience and expiry.
 * Never throws: `alg: none`, a wrong key, a tampered payload or a ticket all come back invalid.
 * A token string verified before under the same secret is not verified again (the HMAC of the
 * same bytes cannot change); only its expiry is checked, so it stops working at `exp` exactly as
 * a full verification would. The WebCrypto HMAC was the largest single cost of an authenticated
 * request (bench:api).
 */
export async function verifyAccessToken(secret: string, token: string): Promise<AccessVerdict> {
  if (token.length > 4096) return { ok: false, reason: 'invalid' };
  const cache = verified.get(secret) ?? new Map<string, { claims: AccessClaims; expMs: number }>();
  verified.set(secret, cache);
  const hit = cache.get(token);
  if (hit) {
    if (Date.now() < hit.expMs) return { ok: true, claims: hit.claims };
    cache.delete(token);
    return { ok: false, reason: 'expired' };
  }
  try {
    const { payload } = await jwtVerify(token, await hmacKey(secret, 'access'), {
      algorithms: ALGORITHMS,
      issuer: TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
    });
    if (typeof payload.sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(payload.sub))
      return { ok: false, reason: 'invalid' };
    const claims = {
      userId: payload.sub,
      sessionId: typeof payload.sid === 'string' ? payload.sid : undefined,
    };
    if (cache.size >= VERIFIED_TOKEN_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(token, { claims, expMs: payload.exp! * 1000 });
    return { ok: true, claims };
  } catch (err) {
    return { ok: false, reason: err instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
  }
}
