import { estimatePlan, planJob } from '@clapboard/shared/job-plan';
import { DEFAULT_RATES_USD_PER_SEC, type JobTypeInfo, jobTypesResponseSchema } from '@clapboard/shared/jobs';
import { describe, expect, it } from 'vitest';
import { availabilityOf, learnedWorkOf, ratesOf } from './job-types';

const render: JobTypeInfo = {
  type: 'render.video',
  title: 'Render video',
  resourceClass: 'gpu',
  available: true,
  reason: null,
  usdPerSec: 0.002,
  work: {
    frame: { unit: 'frame', baseSec: 0.1, secPerUnit: 2, samples: 3 },
    voice: { unit: 'scene-sec', baseSec: 0.3, secPerUnit: 0.1, samples: 0 },
    shot: { unit: 'scene-sec', baseSec: 0, secPerUnit: 0.5, samples: 1 },
    music: { unit: 'film-sec', baseSec: 0.2, secPerUnit: 0.02, samples: 0 },
    assemble: { unit: 'film-sec', baseSec: 0.5, secPerUnit: 0.1, samples: 0 },
  },
};

describe('learnedWorkOf', () => {
  it('keeps only the steps measured on this deployment (samples > 0), with their model', () => {
    expect(learnedWorkOf(render)).toEqual({
      frame: { unit: 'frame', baseSec: 0.1, secPerUnit: 2, samples: 3 },
      shot: { unit: 'scene-sec', baseSec: 0, secPerUnit: 0.5, samples: 1 },
    });
  });

  it('is empty with no entry (still loading) or no history', () => {
    expect(learnedWorkOf(undefined)).toEqual({});
    const cold = { work: { probe: { unit: 'step' as const, baseSec: 9, secPerUnit: 0, samples: 0 } } };
    expect(learnedWorkOf(cold)).toEqual({});
  });

  it('feeds estimatePlan: measured steps are marked learned and use the measured seconds', () => {
    const plan = planJob('render.video', {}, { sceneSec: [4, 6] });
    const est = estimatePlan('render.video', plan, { learned: learnedWorkOf(render) });
    const byKind = (k: string) => est.steps.filter((s) => s.kind === k);
    expect(byKind('frame').every((s) => s.learned && s.seconds === 2.1)).toBe(true);
    expect(byKind('shot').map((s) => s.seconds)).toEqual([2, 3]);
    expect(byKind('voice').some((s) => s.learned)).toBe(false);
  });
});

describe('ratesOf', () => {
  it("takes the deployment's rate for the type's resource class and the defaults for the others", () => {
    expect(ratesOf(render)).toEqual({ gpu: 0.002, cpu: DEFAULT_RATES_USD_PER_SEC.cpu });
    expect(ratesOf(undefined)).toEqual(DEFAULT_RATES_USD_PER_SEC);
  });
});

describe('availabilityOf', () => {
  it('is unknown while nothing is loaded, and gives the reason when no worker runs the type', () => {
    expect(availabilityOf(undefined, 'render.video')).toEqual({ state: 'unknown' });
    expect(availabilityOf([render], 'render.video')).toEqual({ state: 'available' });
    const down = { ...render, available: false, reason: 'No worker is running.' };
    expect(availabilityOf([down], 'render.video')).toEqual({
      state: 'unavailable',
      reason: 'No worker is running.',
    });
    expect(availabilityOf([{ ...down, reason: null }], 'render.video')).toMatchObject({
      state: 'unavailable',
      reason: expect.stringContaining('Render video'),
    });
  });
});

describe('jobTypesResponseSchema', () => {
  it('parses the API answer and refuses one that breaks the contract', () => {
    expect(jobTypesResponseSchema.parse({ items: [render] }).items[0]?.type).toBe('render.video');
    expect(() => jobTypesResponseSchema.parse({ items: [{ ...render, type: 'campaign.plan' }] })).toThrow();
  });
});
