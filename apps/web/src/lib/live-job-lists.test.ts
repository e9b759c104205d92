import { EventEmitter } from 'node:events';
import type { Job, JobPage } from '@clapboard/shared/jobs';
import { type InfiniteData, QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { followJobLists, withProgress } from './live-job-lists';

const projectId = '0b6f3d1e-5a3c-4c59-9d55-0a0e7f1f5a11';
const jobId = '7d1c0a7e-2b7e-4c1a-8f0e-3a9d2b6c4e10';
const job: Job = {
  id: jobId,
  projectId,
  type: 'assets.derive',
  status: 'queued',
  run: 1,
  params: {},
  priority: 0,
  progress: null,
  outputs: [],
  error: null,
  costEstimateUsd: 0,
  costActualUsd: 0,
  estimatedSec: 1,
  actualSec: 0,
  versionId: null,
  createdBy: null,
  createdAt: '2026-12-05T10:00:00.000Z',
  startedAt: null,
  finishedAt: null,
} as Job;
const progress = (pct: number, run = 1) => ({
  jobId,
  stage: 'probe',
  progress: pct,
  etaSec: null,
  message: 'Probing',
  run,
});

function setup() {
  const socket = Object.assign(new EventEmitter(), { connected: true });
  const qc = new QueryClient();
  const key = ['jobs', 'all', ''];
  qc.setQueryData<InfiniteData<JobPage>>(key, {
    pages: [{ items: [job], nextCursor: null }],
    pageParams: [''],
  });
  const stop = followJobLists(socket, qc, ['jobs', 'all']);
  const shown = () => qc.getQueryData<InfiniteData<JobPage>>(key)!.pages[0]!.items[0]!;
  const isStale = () => qc.getQueryState(key)!.isInvalidated;
  return { socket, qc, stop, shown, isStale };
}

describe('withProgress', () => {
  it('takes a higher percent of the same run and marks a queued job running', () => {
    expect(withProgress(job, progress(40))).toMatchObject({ status: 'running', progress: { progress: 40 } });
  });
  it('keeps the job for a lower percent, another run, another job or a finished job', () => {
    const at50 = withProgress(job, progress(50));
    expect(withProgress(at50, progress(30))).toBe(at50);
    expect(withProgress(job, progress(30, 2))).toBe(job);
    expect(withProgress(job, { ...progress(30), jobId: projectId })).toBe(job);
    const done = { ...job, status: 'completed' as const };
    expect(withProgress(done, progress(30))).toBe(done);
  });
});

describe('followJobLists', () => {
  it('patches a plain one-page list under the same key too (the dashboard keeps one)', () => {
    const { socket, qc } = setup();
    const plain = ['jobs', 'all', 'recent-renders'];
    qc.setQueryData<JobPage>(plain, { items: [job], nextCursor: null });
    socket.emit('job:progress', progress(35));
    expect(qc.getQueryData<JobPage>(plain)!.items[0]!.progress?.progress).toBe(35);
  });
  it('writes progress into the cached list without refetching', () => {
    const { socket, shown, isStale, stop } = setup();
    socket.emit('job:progress', progress(25));
    expect(shown().progress?.progress).toBe(25);
    expect(isStale()).toBe(false);
    socket.emit('job:progress', { ...progress(25), progress: 500 }); // out of range: dropped
    expect(shown().progress?.progress).toBe(25);
    stop();
    socket.emit('job:progress', progress(60));
    expect(shown().progress?.progress).toBe(25);
  });
  it('makes the lists stale on job:created, job:updated and job:finished, not on malformed ones', () => {
    for (const [name, payload] of [
      ['job:created', { projectId, type: 'job:created', payload: { job }, at: job.createdAt }],
      ['job:updated', { projectId, type: 'job:updated', payload: { job }, at: job.createdAt }],
      ['job:finished', { jobId, status: 'completed', outputs: [], run: 1 }],
    ] as const) {
      const { socket, isStale } = setup();
      socket.emit(name, { nope: true });
      expect(isStale(), `${name} malformed`).toBe(false);
      socket.emit(name, payload);
      expect(isStale(), name).toBe(true);
    }
  });
  it('refetches once when the socket reconnects (events sent while away are lost)', () => {
    const { socket, isStale } = setup();
    expect(isStale()).toBe(false);
    socket.emit('connect');
    expect(isStale()).toBe(true);
  });
});
