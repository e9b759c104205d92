// @vitest-environment happy-dom

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientToServerEvents, ServerToClientEvents } from '@clapboard/shared/events';
import type { Job } from '@clapboard/shared/jobs';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectSocket } from './project-socket';
import { useJobWatch } from './use-job-watch';

const ID = '00000000-0000-4000-8000-0000000000e1';
const OTHER = '00000000-0000-4000-8000-0000000000e2';
const PREVIEW = '00000000-0000-4000-8000-0000000000e3';
const job = (over: Partial<Job> = {}): Job => ({
  id: ID,
  projectId: '00000000-0000-4000-8000-0000000000e4',
  type: 'render.video',
  status: 'queued',
  run: 1,
  params: {},
  priority: 10,
  progress: null,
  outputs: [],
  error: null,
  costEstimateUsd: 0.01,
  costActualUsd: 0,
  estimatedSec: 12,
  actualSec: 0,
  versionId: null,
  createdBy: null,
  createdAt: '2030-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  ...over,
});
const progress = (pct: number, over: object = {}) => ({
  jobId: ID,
  stage: 'Rendering',
  progress: pct,
  etaSec: null,
  message: `at ${pct}`,
  run: 1,
  ...over,
});

// A real Socket.IO server on 127.0.0.1 speaking the shared event types; it records what the client sends.
const httpServer = createServer();
const ioServer = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer);
const seen: string[] = [];
let url = '';
beforeAll(async () => {
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  ioServer.on('connection', (s) => {
    s.on('job:watch', (req, ack) => {
      seen.push(`watch ${req.jobId}`);
      // The snapshot from Postgres: running at 30 %.
      ack({ ok: true, job: job({ status: 'running', progress: progress(30) }) });
    });
    s.on('job:unwatch', (req) => void seen.push(`unwatch ${req.jobId}`));
  });
});
afterAll(async () => {
  await ioServer.close();
});
let socket: ProjectSocket;
afterEach(() => {
  socket?.disconnect();
  seen.length = 0;
});

function connect(): ProjectSocket {
  socket = io(url, { transports: ['websocket'], forceNew: true });
  return socket;
}
/** Sends an event to every connected client; an `emit` typed loosely so a test can send bad payloads. */
const broadcast = (event: 'job:progress' | 'job:finished', payload: unknown) =>
  (ioServer.emit as (e: string, p: unknown) => boolean)(event, payload);

describe('useJobWatch', () => {
  it('watches on connect, takes the ack, applies its own progress and finish once, unwatches on unmount', async () => {
    const qc = new QueryClient();
    qc.setQueryData(['jobs', 'all', ''], { pages: [] });
    qc.setQueryData(['job', ID, 'detail'], job());
    const finished: Job[] = [];
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={qc}>{children}</QueryClientProvider>
    );
    const s = connect();
    const initial = job();
    const { result, unmount } = renderHook(() => useJobWatch(s, initial, (j) => finished.push(j)), {
      wrapper,
    });
    expect(result.current.job.status).toBe('queued');

    await waitFor(() => expect(result.current.progress?.progress).toBe(30));
    expect(seen).toEqual([`watch ${ID}`]);
    expect(result.current.job.status).toBe('running');

    broadcast('job:progress', progress(55, { jobId: OTHER }));
    broadcast('job:progress', progress(500)); // out of the schema's range: dropped
    broadcast('job:progress', progress(60, { previewAssetId: PREVIEW, step: 'encode', stepProgress: 40 }));
    await waitFor(() => expect(result.current.progress?.progress).toBe(60));
    expect(result.current.previews).toEqual([PREVIEW]);
    expect(result.current.steps).toEqual({ encode: 40 });

    broadcast('job:finished', { jobId: ID, status: 'completed', outputs: [], run: 1 });
    await waitFor(() => expect(result.current.job.status).toBe('completed'));
    expect(finished.map((j) => j.status)).toEqual(['completed']);
    expect(qc.getQueryState(['jobs', 'all', ''])?.isInvalidated).toBe(true);
    expect(qc.getQueryState(['job', ID, 'detail'])?.isInvalidated).toBe(true);

    unmount();
    await waitFor(() => expect(seen).toEqual([`watch ${ID}`, `unwatch ${ID}`]));
    expect(finished).toHaveLength(1);
  });

  it('does not watch a job that has already finished', async () => {
    const qc = new QueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={qc}>{children}</QueryClientProvider>
    );
    const s = connect();
    await new Promise<void>((r) => s.once('connect', () => r()));
    const { result } = renderHook(() => useJobWatch(s, job({ status: 'completed' })), { wrapper });
    // Events on one connection arrive in order: had the hook emitted job:watch while rendering, the
    // server would see it before this marker.
    s.emit('job:unwatch', { type: 'job:unwatch', jobId: OTHER });
    await waitFor(() => expect(seen).toEqual([`unwatch ${OTHER}`]));
    expect(result.current.job.status).toBe('completed');
  });
});
