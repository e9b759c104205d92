import {
  TICKET_AUDIENCE,
  TICKET_TTL_SEC,
  type TicketClaims,
  ticketClaimsSchema,
} from '@clapboard/shared/tickets';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

export const TOKEN_ISSUER = 'clapboard';
const ALGORITHMS = ['HS256'];

/** Derives the HMAC key for a purpose, so an access token key and a ticket key never coincide. */
async function keyFor(secret: string, purpose: string): Promise<Uint8Array> {
  const data = new TextEncoder().encode(`${purpose}:${secret}`);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const hmacKeys = new Map<string, Promise<HmacKey>>();

/**
 * The purpose's derived key as a non-extractable HMAC-SHA256 CryptoKey (sign and verify), derived
 * and imported once per secret and purpose. Hot paths (every bearer token, every ticket, every
 * signed URL) then skip a SHA-256 and a key import per call; jose checks the key's algorithm
 * against the token's `alg` as it does for raw bytes.
 */
export function hmacKey(secret: string, purpose: string): Promise<HmacKey> {
  const id = `${purpose}\0${secret}`;
  let key = hmacKeys.get(id);
  if (!key) {
    key = keyFor(secret, purpose).then((raw) =>
      crypto.subtle.importKey('raw', new Uint8Array(raw), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
        'verify',
      ]),
    );
    key.catch(() => hmacKeys.delete(id));
    hmacKeys.set(id, key);
  }
  return key;
}

/**
 * Signs a realtime ticket (JWT HS256, audience `clapboard-realtime`) valid for `ttlSec` (default 60).
 * The realtime server verifies it locally with the same secret; it never calls the API.
 */
export async function signTicket(
  secret: string,
  claims: Omit<TicketClaims, 'expiresAt' | 'scope'> & { scope?: TicketClaims['scope'] },
  ttlSec = TICKET_TTL_SEC,
): Promise<{ ticket: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + ttlSec * 1000);
  const ticket = await new SignJWT({
    name: claims.name,
    projectId: claims.projectId,
    role: claims.role,
    ...(claims.sessionId ? { sid: claims.sessionId } : {}),
    scope: claims.scope ?? 'workspace',
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TICKET_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(await hmacKey(secret, 'ticket'));
  return { ticket, expiresAt };
}

export type TicketVerdict = { ok: true; claims: TicketClaims } | { ok: false; reason: 'expired' | 'invalid' };

/** Verifies a ticket: signature, algorithm allowlist, issuer, audience, expiry. Never throws. */
export async function verifyTicket(
  secret: string,
  ticket: string | undefined | null,
): Promise<TicketVerdict> {
  if (!ticket || ticket.length > 4096) return { ok: false, reason: 'invalid' };
  try {
    const { payload } = await jwtVerify(ticket, await hmacKey(secret, 'ticket'), {
      algorithms: ALGORITHMS,
      issuer: TOKEN_ISSUER,
      audience: TICKET_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
    });
    const parsed = ticketClaimsSchema.safeParse({
      userId: payload.sub,
      name: payload.name,
      projectId: payload.projectId,
      role: payload.role,
      sessionId: payload.sid,
      scope: payload.scope,
      expiresAt: payload.exp,
    });
    return parsed.success ? { ok: true, claims: parsed.data } : { ok: false, reason: 'invalid' };
  } catch (err) {
    return { ok: false, reason: err instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
  }
}

export { keyFor as deriveKey };
