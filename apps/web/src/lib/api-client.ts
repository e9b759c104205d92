import type { z } from 'zod';

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

/**
 * A 2xx answer whose body is not what the shared schema says the route returns (a client and
 * server of different versions, or a proxy's page): never handed on as if it were the right shape.
 */
export class ApiResponseError extends ApiError {
  constructor(
    readonly path: string,
    status: number,
    problem: string,
    readonly issues: z.core.$ZodIssue[] = [],
  ) {
    super(
      status,
      'unexpected_response',
      `The server's answer to ${path} was not understood: ${problem}.`,
      issues,
    );
  }
}

let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<() => void>();

/** Notified when the session changes (sign in, refresh failure, sign out). */
/** What to tell a person about a failed request: the API's own sentence, or `fallback`. */
export function errorText(err: unknown, fallback: string): string {
  return err instanceof ApiError ? err.message : fallback;
}

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

/** Where `/api/v1` lives: this origin (the SPA and API share one), or another in tests. */
let apiBase = '';
export function setApiBase(base: string): void {
  apiBase = base.replace(/\/$/, '');
}

/** The URL of an API path such as `/projects/1/assets`, for requests made outside `api()`. */
export function apiUrl(path: string): string {
  return `${apiBase}/api/v1${path}`;
}

/**
 * The body parsed with the route's shared schema; throws ApiResponseError when it does not match.
 * For answers read outside `api()` (XHR uploads).
 */
export function parseResponse<S extends z.ZodType>(
  path: string,
  schema: S,
  body: unknown,
  status = 200,
): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  throw new ApiResponseError(path, status, `${where}${first?.message ?? 'invalid'}`, parsed.error.issues);
}

/**
 * The ApiError a non-2xx answer stands for: the API's `{ error: { code, message } }` (parsed with
 * `errorBodySchema`, loaded on first use like the other schemas the sign-in page needs) or, for any
 * other body, the status.
 */
export async function apiErrorOf(
  status: number,
  body: unknown,
  fallback = 'Request failed',
): Promise<ApiError> {
  const { errorBodySchema } = await import('@clapboard/shared/errors');
  const parsed = errorBodySchema.safeParse(body);
  const err = parsed.success ? parsed.data.error : null;
  return new ApiError(
    status,
    err?.code ?? 'http_error',
    err?.message ?? `${fallback} (${status}).`,
    err?.details,
  );
}

/**
 * Renews the access token with the httpOnly refresh cookie; one request at a time. The answer is
 * parsed with `authResponseSchema`, loaded on first use (see session.tsx on why zod loads late).
 */
export function refreshSession(): Promise<boolean> {
  refreshing ??= fetch(apiUrl('/auth/refresh'), { method: 'POST', credentials: 'same-origin' })
    .then(async (res) => {
      if (!res.ok) {
        setAccessToken(null);
        return false;
      }
      const { authResponseSchema } = await import('@clapboard/shared/api');
      const body = parseResponse('/auth/refresh', authResponseSchema, await res.json());
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
 * A request to the API with the bearer token that is not JSON either way (a file, a zip, a logo):
 * the raw Response, after one refresh and retry on 401. The caller checks `ok` (see `apiErrorOf`).
 */
export async function authedFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const send = () => {
    const headers = new Headers(init.headers);
    if (accessToken) headers.set('authorization', `Bearer ${accessToken}`);
    return fetch(apiUrl(path), { ...init, headers, credentials: 'same-origin' });
  };
  let res = await send();
  if (res.status === 401 && (await refreshSession())) res = await send();
  return res;
}

/**
 * JSON request to the API with the bearer token; on 401 it refreshes once and retries. The 2xx
 * body (`undefined` for 204) is parsed with `schema`, the shared schema of what the route returns;
 * a body that does not match throws ApiResponseError. Non-2xx answers throw ApiError with the
 * server's `{ error: { code, message } }`.
 */
export async function api<S extends z.ZodType>(
  path: string,
  schema: S,
  init: RequestInit & { json?: unknown } = {},
): Promise<z.infer<S>> {
  const send = () => {
    const headers = new Headers(init.headers);
    if (accessToken) headers.set('authorization', `Bearer ${accessToken}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return fetch(apiUrl(path), { ...init, headers, body, credentials: 'same-origin' });
  };
  let res = await send();
  if (res.status === 401 && !path.startsWith('/auth/') && (await refreshSession())) res = await send();
  if (!res.ok) throw await apiErrorOf(res.status, await res.json().catch(() => null));
  let body: unknown;
  if (res.status !== 204) {
    try {
      body = await res.json();
    } catch {
      throw new ApiResponseError(path, res.status, 'it is not JSON');
    }
  }
  return parseResponse(path, schema, body, res.status);
}
