import { describe, expect, it } from 'vitest';
import { buildFlow } from './flow-plan';
import { STEP_BACKOFF, stepBackoff } from './step-backoff';

const job = (delay: number) => ({ opts: { backoff: { type: STEP_BACKOFF, delay } } }) as never;

describe('step retries', () => {
  it('wait the catalog backoff, then three times as long before each further try (5 s → 15 s → 45 s)', () => {
    expect([1, 2, 3].map((n) => stepBackoff(n, STEP_BACKOFF, undefined, job(5_000)))).toEqual([
      5_000, 15_000, 45_000,
    ]);
    expect(() => stepBackoff(1, 'linear', undefined, job(5_000))).toThrow(/Unknown backoff strategy linear/);
  });

  it('every step of a planned flow names that strategy with its type’s backoff', () => {
    const flow = buildFlow({
      jobId: '00000000-0000-4000-8000-000000000001',
      projectId: '00000000-0000-4000-8000-000000000002',
      type: 'render.video',
      run: 1,
      params: {},
      priority: 5,
    });
    const steps: Array<{ opts?: { backoff?: unknown } }> = [];
    const walk = (n: { opts?: { backoff?: unknown }; children?: unknown[] }) => {
      steps.push(n);
      for (const c of n.children ?? []) walk(c as never);
    };
    walk(flow as never);
    expect(steps.slice(1).length).toBeGreaterThan(0);
    for (const s of steps.slice(1)) expect(s.opts?.backoff).toEqual({ type: STEP_BACKOFF, delay: 5_000 });
    // The root (bookkeeping once every step is done) retries the same way, from 1 s.
    expect(steps[0]!.opts?.backoff).toEqual({ type: STEP_BACKOFF, delay: 1_000 });
  });
});
