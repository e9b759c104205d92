// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localApiForFile } from '../test/local-api';
import { ApiResponseError } from './api-client';
import { useMembers } from './use-members';
import { useVoices } from './use-voices';

const PROJECT = '00000000-0000-4000-8000-0000000000a1';
const member = (n: number, role: string) => ({
  userId: `00000000-0000-4000-8000-00000000000${n}`,
  email: `m${n}@example.com`,
  name: `Member ${n}`,
  role,
  createdAt: '2030-01-01T00:00:00.000Z',
});
const worker = (voices: unknown[]) => ({
  workerId: 'w1',
  device: 'cpu',
  activeProvider: 'cpu',
  deviceReason: null,
  updatedAt: '2030-01-01T00:00:00.000Z',
  models: [],
  voices,
});

const server = localApiForFile('t-members');

/** A fresh cache per render, no retries: an error shows at once. */
function withQueries() {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={qc}>{children}</QueryClientProvider>
  );
}

describe('useMembers', () => {
  it("reads the project's members with the bearer token, parsed", async () => {
    server.on(`GET /api/v1/projects/${PROJECT}/members`, () => ({
      status: 200,
      json: { items: [member(1, 'owner'), member(2, 'viewer')] },
    }));
    const { result } = renderHook(() => useMembers(PROJECT), { wrapper: withQueries() });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data?.items.map((m) => [m.name, m.role])).toEqual([
      ['Member 1', 'owner'],
      ['Member 2', 'viewer'],
    ]);
    expect(server.received[0]?.headers.authorization).toBe('Bearer t-members');
  });

  it('fails with ApiResponseError when a member has a role the client does not know', async () => {
    server.on(`GET /api/v1/projects/${PROJECT}/members`, () => ({
      status: 200,
      json: { items: [member(1, 'overlord')] },
    }));
    const { result } = renderHook(() => useMembers(PROJECT), { wrapper: withQueries() });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error).toBeInstanceOf(ApiResponseError);
    expect(result.current.error?.message).toContain('items.0.role');
  });
});

describe('useVoices', () => {
  it('offers the voices live workers can speak and lists the others with the reason', async () => {
    server.on('GET /api/v1/models', () => ({
      status: 200,
      json: {
        workers: [
          worker([
            { id: 'flite-slt', label: 'Flite SLT', source: 'bundled', available: true, reason: null },
            {
              id: 'festival-kal',
              label: 'Festival',
              source: 'bundled',
              available: false,
              reason: 'not installed',
            },
            // A report older than the smoke runs: no `available`, the shared schema's default says true.
            { id: 'espeak-en-us', label: 'eSpeak', source: 'bundled' },
          ]),
        ],
      },
    }));
    const { result } = renderHook(() => useVoices(), { wrapper: withQueries() });
    expect(result.current.status).toBe('loading');
    await waitFor(() => expect(result.current.status).toBe('ready'));
    expect(result.current.voices.map((v) => v.id)).toEqual(['flite-slt', 'espeak-en-us']);
    expect(result.current.voices[1]?.gender).toBeNull();
    expect(result.current.unavailable).toEqual([
      { id: 'festival-kal', label: 'Festival', reason: 'not installed' },
    ]);
  });

  it("says 'none' when no live worker offers a voice", async () => {
    server.on('GET /api/v1/models', () => ({ status: 200, json: { workers: [worker([])] } }));
    const { result } = renderHook(() => useVoices(), { wrapper: withQueries() });
    await waitFor(() => expect(result.current.status).toBe('none'));
    expect(result.current.voices).toEqual([]);
  });

  it("says 'error' with the API's message when the models cannot be read", async () => {
    server.on('GET /api/v1/models', () => ({
      status: 503,
      json: { error: { code: 'unavailable', message: 'Redis is down.' } },
    }));
    const { result } = renderHook(() => useVoices(), { wrapper: withQueries() });
    await waitFor(() => expect(result.current.status).toBe('error'));
    expect(result.current.error?.message).toBe('Redis is down.');
  });
});
