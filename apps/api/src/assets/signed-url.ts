import { hmacKey } from '@clapboard/server/tickets';
import type { AssetVariant } from '@clapboard/shared/api';

const message = (assetId: string, variant: AssetVariant, exp: number) =>
  new TextEncoder().encode(`${assetId}:${variant}:${exp}`);
const toB64u = (b: ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(b)))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
function fromB64u(s: string): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(atob(s.replaceAll('-', '+').replaceAll('_', '/')), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * Signs a download URL for one asset variant: HMAC-SHA256 (key derived from JWT_SECRET for this
 * purpose only) over id, variant and expiry. The URL works without headers, so `<img>` and
 * `<video>` can use it, and stops working at `exp` (unix seconds).
 */
export async function signAssetUrl(
  secret: string,
  publicUrl: string,
  assetId: string,
  variant: AssetVariant,
  exp: number,
): Promise<string> {
  const sig = toB64u(
    await crypto.subtle.sign('HMAC', await hmacKey(secret, 'asset-url'), message(assetId, variant, exp)),
  );
  const base = publicUrl.replace(/\/+$/, '');
  return `${base}/api/v1/assets/${assetId}/${variant}?exp=${exp}&sig=${sig}`;
}

/**
 * Checks a signed URL's signature (constant time, via WebCrypto verify) and expiry.
 * Returns 'expired' only for an authentic but stale link, so clients know to ask for a fresh one.
 */
export async function verifyAssetUrl(
  secret: string,
  assetId: string,
  variant: AssetVariant,
  exp: number,
  sig: string,
): Promise<'ok' | 'invalid' | 'expired'> {
  const bytes = fromB64u(sig);
  if (bytes?.length !== 32) return 'invalid';
  const ok = await crypto.subtle.verify(
    'HMAC',
    await hmacKey(secret, 'asset-url'),
    bytes,
    message(assetId, variant, exp),
  );
  if (!ok) return 'invalid';
  return exp * 1000 < Date.now() ? 'expired' : 'ok';
}
