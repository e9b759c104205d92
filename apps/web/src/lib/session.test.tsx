// @vitest-environment happy-dom
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localApiForFile } from '../test/local-api';
import { ApiError, accessTokenHeader, hasAccessToken } from './api-client';
import { SessionProvider, useSession } from './session';

const USER = {
  id: '00000000-0000-4000-8000-00000000000b',
  email: 'bo@example.com',
  name: 'Bo',
  isAdmin: false,
};
const session = (token: string) => ({
  accessToken: token,
  expiresAt: '2030-01-01T00:15:00.000Z',
  user: USER,
});
const SIGNED_IN_KEY = 'clapboard:signed-in';
const wrapper = ({ children }: { children: ReactNode }) => <SessionProvider>{children}</SessionProvider>;

const server = localApiForFile(null);
beforeEach(() => {
  localStorage.clear();
});

const paths = () => server.received.map((r) => `${r.method} ${r.path}`);

describe('SessionProvider', () => {
  it('asks for nothing on a first visit and is not loading', async () => {
    const { result } = renderHook(() => useSession(), { wrapper });
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.user).toBeNull();
    expect(server.received).toEqual([]);
  });

  it('restores the session from the refresh cookie when this browser signed in before', async () => {
    localStorage.setItem(SIGNED_IN_KEY, '1');
    server.on('POST /api/v1/auth/refresh', () => ({ status: 200, json: session('restored') }));
    server.on('GET /api/v1/me', (r) =>
      r.headers.authorization === 'Bearer restored'
        ? { status: 200, json: { user: USER } }
        : { status: 401, json: { error: { code: 'unauthorized', message: 'no' } } },
    );
    const { result } = renderHook(() => useSession(), { wrapper });
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.user).toEqual(USER);
    expect(paths()).toEqual(['POST /api/v1/auth/refresh', 'GET /api/v1/me']);
  });

  it('forgets the mark when the refresh cookie is no longer good', async () => {
    localStorage.setItem(SIGNED_IN_KEY, '1');
    server.on('POST /api/v1/auth/refresh', () => ({
      status: 401,
      json: { error: { code: 'unauthorized', message: 'expired' } },
    }));
    const { result } = renderHook(() => useSession(), { wrapper });
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.user).toBeNull();
    expect(localStorage.getItem(SIGNED_IN_KEY)).toBeNull();
  });

  it('signs in, keeps the token and marks the browser; signs out again', async () => {
    server.on('POST /api/v1/auth/login', (r) =>
      JSON.parse(r.body).password === 'right horse battery'
        ? { status: 200, json: session('t-login') }
        : {
            status: 401,
            json: { error: { code: 'invalid_credentials', message: 'Wrong email or password.' } },
          },
    );
    server.on('POST /api/v1/auth/logout', () => ({ status: 204 }));
    const { result } = renderHook(() => useSession(), { wrapper });
    await waitFor(() => expect(result.current.loading).toBe(false));

    await expect(result.current.signIn(USER.email, 'wrong')).rejects.toMatchObject({
      status: 401,
      message: 'Wrong email or password.',
    });
    expect(result.current.user).toBeNull();

    await act(() => result.current.signIn(USER.email, 'right horse battery'));
    expect(result.current.user).toEqual(USER);
    expect(accessTokenHeader()).toBe('Bearer t-login');
    expect(localStorage.getItem(SIGNED_IN_KEY)).toBe('1');

    await act(() => result.current.signOut());
    expect(result.current.user).toBeNull();
    expect(hasAccessToken()).toBe(false);
    expect(localStorage.getItem(SIGNED_IN_KEY)).toBeNull();
    expect(paths().at(-1)).toBe('POST /api/v1/auth/logout');
  });

  it('registers a new email with the 201 session, and a taken one by signing in after the 202', async () => {
    server.on('POST /api/v1/auth/register', (r) =>
      JSON.parse(r.body).email === 'new@example.com'
        ? { status: 201, json: session('t-new') }
        : { status: 202, json: { status: 'accepted', message: 'Check your email.' } },
    );
    server.on('POST /api/v1/auth/login', () => ({
      status: 401,
      json: { error: { code: 'invalid_credentials', message: 'Wrong email or password.' } },
    }));
    const { result } = renderHook(() => useSession(), { wrapper });
    await waitFor(() => expect(result.current.loading).toBe(false));

    await act(() => result.current.register('Bo', 'new@example.com', 'long enough pass'));
    expect(result.current.user).toEqual(USER);
    expect(accessTokenHeader()).toBe('Bearer t-new');

    const err = await result.current.register('Bo', USER.email, 'long enough pass').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toMatch(
      /If you already have an account, sign in or reset your password/,
    );
    expect(paths().slice(-2)).toEqual(['POST /api/v1/auth/register', 'POST /api/v1/auth/login']);
  });

  it('refuses a sign-in answer that is not a session', async () => {
    server.on('POST /api/v1/auth/login', () => ({ status: 200, json: { accessToken: 'x' } }));
    const { result } = renderHook(() => useSession(), { wrapper });
    await waitFor(() => expect(result.current.loading).toBe(false));
    await expect(result.current.signIn(USER.email, 'pw')).rejects.toMatchObject({
      code: 'unexpected_response',
    });
    expect(result.current.user).toBeNull();
    expect(hasAccessToken()).toBe(false);
  });
});
