import type { AuthResponse } from '@clapboard/shared/api';
import type { ErrorBody } from '@clapboard/shared/errors';

/** An API error a person can act on: the server's message, its code and status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<() => void>();

/** Notified when the session changes (sign in, refresh failure, sign out). */
export function onSessionChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function setAccessToken(token: string | null): void {
  accessToken = token;
  for (const fn of listeners) fn();
}

export function hasAccessToken(): boolean {
  return accessToken !== null;
}

/** The `Authorization` header value for requests made outside `api()` (XHR uploads). */
export function accessTokenHeader(): string | null {
  return accessToken ? `Bearer ${accessToken}` : null;
}

/** Renews the access token with the httpOnly refresh cookie; one request at a time. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= fetch('/api/v1/auth/refresh', { method: 'POST', credentials: 'same-origin' })
    .then(async (res) => {
      if (!res.ok) {
        setAccessToken(null);
        return false;
      }
      const body = (await res.json()) as AuthResponse;
      setAccessToken(body.accessToken);
      return true;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/**
 * JSON request to the API with the bearer token; on 401 it refreshes once and retries. Non-2xx
 * answers throw ApiError with the server's `{ error: { code, message } }`.
 */
export async function api<T>(
  path: string,
  init: RequestInit & { json?: unknown } = {},
  retried = false,
): Promise<T> {
  const headers = new Headers(init.headers);
  if (accessToken) headers.set('authorization', `Bearer ${accessToken}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const res = await fetch(`/api/v1${path}`, { ...init, headers, body, credentials: 'same-origin' });
  if (res.status === 401 && !retried && !path.startsWith('/auth/')) {
    if (await refreshSession()) return api<T>(path, init, true);
  }
  if (!res.ok) {
    const err = (await res.json().catch(() => null)) as ErrorBody | null;
    throw new ApiError(
      res.status,
      err?.error.code ?? 'http_error',
      err?.error.message ?? `Request failed (${res.status}).`,
      err?.error.details,
    );
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
