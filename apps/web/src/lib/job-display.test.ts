import type { Job } from '@clapboard/shared/jobs';
import { describe, expect, it } from 'vitest';
import { costLine, formatWorkSeconds, shownPercent, stepLabel } from './job-display';

const job = (
  over: Partial<Job>,
): Pick<Job, 'status' | 'costEstimateUsd' | 'costActualUsd' | 'estimatedSec' | 'actualSec'> => ({
  status: 'completed',
  costEstimateUsd: 0.0123,
  costActualUsd: 0.0098,
  estimatedSec: 15.2,
  actualSec: 12.4,
  ...over,
});

describe('costLine', () => {
  it('shows estimate and actual, cost and worker-seconds, for a finished job', () => {
    expect(costLine(job({}))).toBe('est. $0.0123 · 15 s — actual $0.0098 · 12 s');
    expect(costLine(job({ status: 'failed', costActualUsd: 0, actualSec: 0 }))).toBe(
      'est. $0.0123 · 15 s — actual $0.0000 · 0 s',
    );
  });

  it('has no actual before a job ran, and says "so far" while it runs', () => {
    expect(costLine(job({ status: 'queued', costActualUsd: 0, actualSec: 0 }))).toBe('est. $0.0123 · 15 s');
    expect(costLine(job({ status: 'running', costActualUsd: 0, actualSec: 0 }))).toBe('est. $0.0123 · 15 s');
    expect(costLine(job({ status: 'running', actualSec: 3.25, costActualUsd: 0.0026 }))).toBe(
      'est. $0.0123 · 15 s — so far $0.0026 · 3.3 s',
    );
  });
});

describe('formatWorkSeconds', () => {
  it('keeps a decimal under 10 s and switches to minutes from 2 min', () => {
    expect(formatWorkSeconds(0)).toBe('0 s');
    expect(formatWorkSeconds(0.42)).toBe('0.4 s');
    expect(formatWorkSeconds(59.6)).toBe('60 s');
    expect(formatWorkSeconds(125)).toBe('2 min 5 s');
    expect(formatWorkSeconds(Number.NaN)).toBe('0 s');
  });
});

describe('shownPercent', () => {
  it('is 100 only when the job completed', () => {
    expect(shownPercent({ status: 'completed' }, null)).toBe(100);
    expect(shownPercent({ status: 'completed' }, { progress: 40 })).toBe(100);
    expect(shownPercent({ status: 'running' }, { progress: 100 })).toBe(99);
    expect(shownPercent({ status: 'running' }, { progress: 99.7 })).toBe(99);
    expect(shownPercent({ status: 'failed' }, { progress: 100 })).toBe(99);
    expect(shownPercent({ status: 'running' }, { progress: 42.9 })).toBe(42);
    expect(shownPercent({ status: 'queued' }, null)).toBe(0);
  });
});

describe('stepLabel', () => {
  it('numbers per-scene steps from 1 and leaves catalog steps alone', () => {
    expect(stepLabel('scene-0/voice')).toBe('scene 1 voice');
    expect(stepLabel('scene-11/shot')).toBe('scene 12 shot');
    expect(stepLabel('assemble')).toBe('assemble');
  });
});
