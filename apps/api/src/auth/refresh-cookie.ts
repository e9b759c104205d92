import { API_PREFIX } from '@clapboard/shared/api';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

export const REFRESH_COOKIE = 'cb_refresh';
/** Only the auth routes ever receive the refresh token; the rest of the API never sees it. */
const COOKIE_PATH = `${API_PREFIX}/auth`;

/**
 * Sets the refresh cookie: httpOnly (no script can read it), SameSite=Strict (the SPA is served
 * from the API's own origin, so a same-site refresh never needs it cross-site, and a forged
 * cross-site POST to /refresh or /logout arrives without it), Secure when PUBLIC_URL is https.
 */
export function setRefreshCookie(c: Context, token: string, expiresAt: Date, publicUrl: string): void {
  setCookie(c, REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: publicUrl.startsWith('https:'),
    path: COOKIE_PATH,
    expires: expiresAt,
  });
}

/** Expires the refresh cookie in the browser. */
export function clearRefreshCookie(c: Context, publicUrl: string): void {
  deleteCookie(c, REFRESH_COOKIE, {
    path: COOKIE_PATH,
    secure: publicUrl.startsWith('https:'),
    httpOnly: true,
    sameSite: 'Strict',
  });
}

/** The refresh token from the request's cookie, if any. */
export function readRefreshCookie(c: Context): string | undefined {
  return getCookie(c, REFRESH_COOKIE);
}
