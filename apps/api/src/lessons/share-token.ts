/** Bytes of randomness in a share token (256 bits), shown to its creator once. */
export const SHARE_TOKEN_BYTES = 32;

const toB64u = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');

/** What a share token looks like: 43 base64url characters. */
export const SHARE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A new share token: 32 random bytes (WebCrypto), base64url without padding. */
export function newShareToken(): string {
  return toB64u(crypto.getRandomValues(new Uint8Array(SHARE_TOKEN_BYTES)));
}

/**
 * The SHA-256 of a token, the only form stored: a database read never yields a working link, and
 * the token's 256 bits make a plain (unsalted, fast) hash enough.
 */
export async function shareTokenHash(token: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
}
