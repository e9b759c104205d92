import type { Job, JobProgress } from '@clapboard/shared/jobs';
import { describe, expect, it } from 'vitest';
import { applyFinished, applyProgress, initialWatch, isNewRun, takeRecord } from './job-watch-state';

const ID = '00000000-0000-4000-8000-000000000001';
const job = (over: Partial<Job> = {}): Job => ({
  id: ID,
  projectId: '00000000-0000-4000-8000-000000000002',
  type: 'render.video',
  status: 'running',
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
  startedAt: '2030-01-01T00:00:01.000Z',
  finishedAt: null,
  ...over,
});
const ev = (progress: number, over: Partial<JobProgress> = {}): JobProgress => ({
  jobId: ID,
  stage: 'Rendering',
  progress,
  etaSec: null,
  message: '',
  ...over,
});

describe('applyProgress', () => {
  it('shows each event as it comes, also one lower than the last (no hidden backwards step)', () => {
    let s = initialWatch(job());
    s = applyProgress(s, ev(40, { step: 'scene-0/shot', stepProgress: 80 }));
    s = applyProgress(s, ev(35, { step: 'scene-1/shot', stepProgress: 10 }));
    expect(s.progress?.progress).toBe(35);
    expect(s.job.progress?.progress).toBe(35);
    expect(s.steps).toEqual({ 'scene-0/shot': 80, 'scene-1/shot': 10 });
  });

  it('moves a queued job to running and collects previews once each', () => {
    let s = initialWatch(job({ status: 'queued', startedAt: null }));
    const p = ev(5, { previewAssetId: '00000000-0000-4000-8000-0000000000aa' });
    s = applyProgress(applyProgress(s, p), p);
    expect(s.job.status).toBe('running');
    expect(s.previews).toEqual(['00000000-0000-4000-8000-0000000000aa']);
  });

  it('drops events of another job, and events that arrive after the run ended here', () => {
    const s = initialWatch(job());
    expect(applyProgress(s, { ...ev(50), jobId: '00000000-0000-4000-8000-000000000009' })).toBe(s);
    const ended = applyFinished(s, { jobId: ID, status: 'cancelled', outputs: [] });
    expect(applyProgress(ended, ev(60)).progress).toBeNull();
  });
});

describe('takeRecord', () => {
  it("keeps the live progress when the record's snapshot is older (lower) in the same run", () => {
    const live = applyProgress(initialWatch(job()), ev(50));
    const s = takeRecord(live, job({ progress: ev(30), costActualUsd: 0.002 }));
    expect(s.progress?.progress).toBe(50);
    expect(s.job.costActualUsd).toBe(0.002);
  });

  it("takes the record's progress when it is further along", () => {
    const live = applyProgress(initialWatch(job()), ev(50));
    expect(takeRecord(live, job({ progress: ev(70) })).progress?.progress).toBe(70);
  });

  it('takes the finished record: status, costs and outputs, after job:finished', () => {
    let s = applyProgress(initialWatch(job()), ev(99));
    s = applyFinished(s, { jobId: ID, status: 'completed', outputs: [] });
    s = takeRecord(s, job({ status: 'completed', progress: ev(100), costActualUsd: 0.009, actualSec: 11 }));
    expect(s.job).toMatchObject({ status: 'completed', costActualUsd: 0.009, actualSec: 11 });
    expect(s.progress?.progress).toBe(100);
  });

  it('starts over for a retry: the new run begins at its own progress', () => {
    let s = applyProgress(initialWatch(job()), ev(80, { step: 'assemble', stepProgress: 3 }));
    s = applyFinished(s, { jobId: ID, status: 'failed', error: 'boom', outputs: [] });
    const retried = job({ run: 2, status: 'queued', startedAt: null, progress: null });
    expect(isNewRun(s.job, retried)).toBe(true);
    s = takeRecord(s, retried);
    expect(s.progress).toBeNull();
    expect(s.steps).toEqual({});
    expect(applyProgress(s, ev(4, { run: 2 })).progress?.progress).toBe(4);
  });

  it('tells a later run by its number even without seeing the failure, and ignores an older record', () => {
    const s = applyProgress(initialWatch(job()), ev(80, { run: 1 }));
    const later = job({ run: 2, startedAt: '2030-01-01T00:05:00.000Z', progress: ev(10, { run: 2 }) });
    const now = takeRecord(s, later);
    expect(now.progress?.progress).toBe(10);
    // A list fetched before the retry arrives late: it is run 1, the bar stays on run 2.
    expect(takeRecord(now, job({ run: 1, status: 'failed', progress: ev(80, { run: 1 }) }))).toBe(now);
  });
});

describe('runs on the wire', () => {
  it("drops an earlier run's late events and finish, and starts over on a later run's first event", () => {
    let s = applyProgress(initialWatch(job({ run: 2 })), ev(30, { run: 2 }));
    // The cancelled run 1's last step reports once more, then its finish arrives late.
    expect(applyProgress(s, ev(90, { run: 1 }))).toBe(s);
    expect(applyFinished(s, { jobId: ID, status: 'cancelled', outputs: [], run: 1 })).toBe(s);
    // Run 3 (retried elsewhere) reports before this page refetched: the bar restarts with it.
    s = applyProgress(s, ev(5, { run: 3, step: 'probe', stepProgress: 50 }));
    expect(s.job).toMatchObject({ run: 3, status: 'running' });
    expect(s.progress?.progress).toBe(5);
    expect(s.steps).toEqual({ probe: 50 });
  });

  it('a finished run 1 takes run 2 events once they come (the retry seen first on the wire)', () => {
    let s = applyFinished(initialWatch(job()), { jobId: ID, status: 'failed', outputs: [], run: 1 });
    s = applyProgress(s, ev(12, { run: 2 }));
    expect(s.job).toMatchObject({ run: 2, status: 'running' });
    expect(s.progress?.progress).toBe(12);
  });
});
