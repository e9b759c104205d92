import type { AuthResponse, Project } from '@clapboard/shared/api';
import type { Role } from '@clapboard/shared/roles';
import { expect } from 'vitest';
import type { Harness } from './harness';

let seq = 0;

export interface TestUser {
  id: string;
  email: string;
  token: string;
  /** The refresh cookie value issued at registration. */
  refreshCookie: string;
}

/** `Authorization` header (plus JSON content type) for a user's access token. */
export function auth(token: string, json = true): Record<string, string> {
  return json
    ? { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    : { authorization: `Bearer ${token}` };
}

/**
 * A request to the API as `user` (null: without a token): `body` sent as JSON, or `raw` bytes
 * as `application/octet-stream` (file uploads).
 */
export function requestAs(
  h: Harness,
  user: TestUser | null,
  method: string,
  path: string,
  body?: unknown,
  raw?: Uint8Array | string,
): Promise<Response> {
  const headers: Record<string, string> =
    raw === undefined
      ? user
        ? auth(user.token)
        : { 'content-type': 'application/json' }
      : { ...(user ? auth(user.token, false) : {}), 'content-type': 'application/octet-stream' };
  return Promise.resolve(
    h.app.request(`/api/v1${path}`, {
      method,
      headers,
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    }),
  );
}

/** Checks a response's status (its body is the failure's message) and parses its JSON body, if any. */
export async function expectJson<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The `cb_refresh` cookie value from a response's Set-Cookie, if any. */
export function refreshCookieOf(res: Response): string | undefined {
  for (const line of res.headers.getSetCookie()) {
    const m = /^cb_refresh=([^;]*)/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/** A documentation-range address of its own for each fixture user, so fixtures never share a rate-limit bucket. */
const fixtureIp = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

/**
 * Registers a fresh account through the API (201 with a session, as the web app signs up); returns its id, access token and refresh cookie.
 */
export async function registerUser(h: Harness, label = 'user'): Promise<TestUser> {
  const n = ++seq;
  const email = `${label}-${n}-${Date.now()}@example.test`;
  const env = { ip: fixtureIp(n) };
  const json = { 'content-type': 'application/json' };
  const res = await h.app.request(
    '/api/v1/auth/register',
    { method: 'POST', headers: json, body: JSON.stringify({ email, password: PASSWORD, name: label }) },
    env,
  );
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as AuthResponse;
  return { id: body.user.id, email, token: body.accessToken, refreshCookie: refreshCookieOf(res)! };
}

/** The password every fixture user registers with. */
export const PASSWORD = 'correct horse battery';

/** Creates a project owned by `owner`. */
export async function createProject(h: Harness, owner: TestUser, name = 'Film'): Promise<Project> {
  const res = await h.app.request('/api/v1/projects', {
    method: 'POST',
    headers: auth(owner.token),
    body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`create project failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Project;
}

/** Adds `user` to the project with `role` through the members API. */
export async function addMember(h: Harness, projectId: string, owner: TestUser, user: TestUser, role: Role) {
  const res = await h.app.request(`/api/v1/projects/${projectId}/members`, {
    method: 'POST',
    headers: auth(owner.token),
    body: JSON.stringify({ email: user.email, role }),
  });
  if (res.status !== 201) throw new Error(`add member failed: ${res.status} ${await res.text()}`);
}

/**
 * A multipart body with one `file` part (and optional text fields before it), built by hand so
 * tests control every byte and name.
 */
export function multipartFile(
  bytes: Uint8Array,
  filename: string,
  contentType = 'application/octet-stream',
  fields: Record<string, string> = {},
): { body: Uint8Array; headers: Record<string, string> } {
  const boundary = `----clapboard${Math.random().toString(16).slice(2)}`;
  const enc = new TextEncoder();
  const fieldParts = Object.entries(fields)
    .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
    .join('');
  const head = enc.encode(
    `${fieldParts}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
  );
  const tail = enc.encode(`\r\n--${boundary}--\r\n`);
  const body = new Uint8Array(head.length + bytes.length + tail.length);
  body.set(head);
  body.set(bytes, head.length);
  body.set(tail, head.length + bytes.length);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Uploads `bytes` as an asset of `projectId`. */
export function upload(h: Harness, token: string, projectId: string, bytes: Uint8Array, filename: string) {
  const form = multipartFile(bytes, filename);
  return h.app.request(`/api/v1/projects/${projectId}/assets`, {
    method: 'POST',
    headers: { ...auth(token, false), ...form.headers },
    body: form.body,
  });
}
