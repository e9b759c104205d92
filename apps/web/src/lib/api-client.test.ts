import { memberListSchema, meResponseSchema, noContentSchema } from '@clapboard/shared/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localApiForFile } from '../test/local-api';
import {
  ApiError,
  ApiResponseError,
  accessTokenHeader,
  api,
  apiErrorOf,
  authedFetch,
  hasAccessToken,
  onSessionChange,
  refreshSession,
  setAccessToken,
} from './api-client';

const USER = {
  id: '00000000-0000-4000-8000-00000000000a',
  email: 'ada@example.com',
  name: 'Ada',
  isAdmin: false,
};
const auth = (token: string) => ({ accessToken: token, expiresAt: '2030-01-01T00:15:00.000Z', user: USER });

const server = localApiForFile(null);

describe('api(): parsed answers', () => {
  it('returns the body parsed with the schema, keys it does not know dropped', async () => {
    server.on('GET /api/v1/me', () => ({ status: 200, json: { user: { ...USER, secret: 'x' }, extra: 1 } }));
    const me = await api('/me', meResponseSchema);
    expect(me).toEqual({ user: USER });
  });

  it('sends the bearer token and a JSON body with its content type', async () => {
    setAccessToken('tok-1');
    server.on('POST /api/v1/projects/p/members', (r) => ({
      status: 201,
      json: {
        items: [
          { userId: USER.id, email: JSON.parse(r.body).email, name: 'Ada', role: 'editor', createdAt: 'now' },
        ],
      },
    }));
    const res = await api('/projects/p/members', memberListSchema, {
      method: 'POST',
      json: { email: 'ada@example.com' },
    });
    expect(res.items[0]?.email).toBe('ada@example.com');
    const sent = server.received[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.headers.authorization).toBe('Bearer tok-1');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent.body)).toEqual({ email: 'ada@example.com' });
  });

  it('reads a 204 as undefined, which only the no-content schema accepts', async () => {
    server.on('DELETE /api/v1/assets/a', () => ({ status: 204 }));
    await expect(api('/assets/a', noContentSchema, { method: 'DELETE' })).resolves.toBeUndefined();
    await expect(api('/assets/a', meResponseSchema, { method: 'DELETE' })).rejects.toBeInstanceOf(
      ApiResponseError,
    );
  });

  it('throws ApiResponseError naming the path and the field when the body does not match', async () => {
    server.on('GET /api/v1/me', () => ({ status: 200, json: { user: { ...USER, isAdmin: 'yes' } } }));
    const err = await api('/me', meResponseSchema).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiResponseError);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiResponseError;
    expect(e.code).toBe('unexpected_response');
    expect(e.status).toBe(200);
    expect(e.message).toContain('/me');
    expect(e.message).toContain('user.isAdmin');
    expect(e.issues[0]?.path).toEqual(['user', 'isAdmin']);
  });

  it('throws ApiResponseError when a 2xx body is not JSON (a proxy page)', async () => {
    server.on('GET /api/v1/me', () => ({
      status: 200,
      raw: '<html>gateway</html>',
      contentType: 'text/html',
    }));
    const err = await api('/me', meResponseSchema).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiResponseError);
    expect((err as Error).message).toMatch(/not JSON/);
  });
});

describe('api(): HTTP errors', () => {
  it("throws ApiError with the API's code, message and details", async () => {
    server.on('POST /api/v1/projects/p/jobs', () => ({
      status: 402,
      json: { error: { code: 'budget_exceeded', message: 'Over the hard limit.', details: { spentUsd: 9 } } },
    }));
    const err = await api('/projects/p/jobs', noContentSchema, { method: 'POST', json: {} }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect(err).not.toBeInstanceOf(ApiResponseError);
    expect(err).toMatchObject({
      status: 402,
      code: 'budget_exceeded',
      message: 'Over the hard limit.',
      details: { spentUsd: 9 },
    });
  });

  it('falls back to the status when the error body is not the API shape', async () => {
    server.on('GET /api/v1/projects', () => ({ status: 502, raw: 'Bad Gateway', contentType: 'text/plain' }));
    await expect(api('/projects', noContentSchema)).rejects.toMatchObject({
      status: 502,
      code: 'http_error',
      message: 'Request failed (502).',
    });
    await expect(apiErrorOf(500, { error: { code: 7 } }, 'Upload failed')).resolves.toMatchObject({
      code: 'http_error',
      message: 'Upload failed (500).',
    });
  });
});

describe('api(): 401 refresh', () => {
  it('refreshes once with the cookie and retries with the new token', async () => {
    setAccessToken('expired');
    server.on('GET /api/v1/me', (r) =>
      r.headers.authorization === 'Bearer fresh'
        ? { status: 200, json: { user: USER } }
        : { status: 401, json: { error: { code: 'unauthorized', message: 'Token expired.' } } },
    );
    server.on('POST /api/v1/auth/refresh', () => ({ status: 200, json: auth('fresh') }));
    let changes = 0;
    const off = onSessionChange(() => changes++);
    const me = await api('/me', meResponseSchema);
    off();
    expect(me.user.id).toBe(USER.id);
    expect(server.received.map((r) => `${r.method} ${r.path} ${r.headers.authorization ?? '-'}`)).toEqual([
      'GET /api/v1/me Bearer expired',
      'POST /api/v1/auth/refresh -',
      'GET /api/v1/me Bearer fresh',
    ]);
    expect(accessTokenHeader()).toBe('Bearer fresh');
    expect(changes).toBe(1);
  });

  it('shares one refresh between requests that fail together', async () => {
    setAccessToken('expired');
    server.on('GET /api/v1/me', (r) =>
      r.headers.authorization === 'Bearer fresh'
        ? { status: 200, json: { user: USER } }
        : { status: 401, json: { error: { code: 'unauthorized', message: 'Token expired.' } } },
    );
    server.on('POST /api/v1/auth/refresh', async () => {
      await new Promise((r) => setImmediate(r));
      return { status: 200, json: auth('fresh') };
    });
    const both = await Promise.all([api('/me', meResponseSchema), api('/me', meResponseSchema)]);
    expect(both.map((m) => m.user.name)).toEqual(['Ada', 'Ada']);
    expect(server.received.filter((r) => r.path === '/api/v1/auth/refresh')).toHaveLength(1);
  });

  it('signs out and throws the 401 when the refresh is refused', async () => {
    setAccessToken('expired');
    server.on('GET /api/v1/me', () => ({
      status: 401,
      json: { error: { code: 'unauthorized', message: 'Token expired.' } },
    }));
    server.on('POST /api/v1/auth/refresh', () => ({
      status: 401,
      json: { error: { code: 'unauthorized', message: 'No session.' } },
    }));
    await expect(api('/me', meResponseSchema)).rejects.toMatchObject({
      status: 401,
      message: 'Token expired.',
    });
    expect(hasAccessToken()).toBe(false);
  });

  it('does not take a refresh answer that is not a session', async () => {
    setAccessToken('old');
    server.on('POST /api/v1/auth/refresh', () => ({ status: 200, json: { accessToken: 42 } }));
    await expect(refreshSession()).resolves.toBe(false);
    expect(accessTokenHeader()).toBe('Bearer old');
  });

  it('never refreshes for /auth/ paths (a wrong password stays a 401)', async () => {
    server.on('POST /api/v1/auth/login', () => ({
      status: 401,
      json: { error: { code: 'invalid_credentials', message: 'Wrong email or password.' } },
    }));
    await expect(api('/auth/login', noContentSchema, { method: 'POST', json: {} })).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    expect(server.received.map((r) => r.path)).toEqual(['/api/v1/auth/login']);
  });
});

describe('authedFetch(): files that are not JSON', () => {
  it('sends the raw body with the token, and refreshes once on 401', async () => {
    setAccessToken('stale');
    let calls = 0;
    server.on('PUT /api/v1/brand-kits/k/logo', (r) => {
      calls++;
      return r.headers.authorization === 'Bearer fresh'
        ? { status: 200, raw: r.body, contentType: 'image/svg+xml' }
        : { status: 401, json: { error: { code: 'unauthorized', message: 'Token expired.' } } };
    });
    server.on('POST /api/v1/auth/refresh', () => ({ status: 200, json: auth('fresh') }));
    const res = await authedFetch('/brand-kits/k/logo', {
      method: 'PUT',
      body: '<svg/>',
      headers: { 'content-type': 'image/svg+xml' },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<svg/>');
    expect(calls).toBe(2);
    expect(server.received.at(-1)?.headers['content-type']).toBe('image/svg+xml');
  });
});
