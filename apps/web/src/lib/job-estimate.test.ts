import { estimatePlan, planJob } from '@clapboard/shared/job-plan';
import { JOB_CATALOG, type JobTypeInfo } from '@clapboard/shared/jobs';
import { MIN_SHOT_SEC } from '@clapboard/shared/render-timing';
import { describe, expect, it } from 'vitest';
import { estimateBasis, estimateBasisText, renderEstimate, variantsEstimate } from './job-estimate';
import { ratesOf } from './job-types';

const cold = (n: number) => ({ samples: 0, unit: 'step' as const, baseSec: n, secPerUnit: 0 });
const info = (
  samples: Record<string, number>,
): Pick<JobTypeInfo, 'work' | 'resourceClass' | 'usdPerSec'> => ({
  resourceClass: 'gpu',
  usdPerSec: 0.0008,
  work: {
    frame: { unit: 'frame', baseSec: 0, secPerUnit: 1, samples: samples.frame ?? 0 },
    voice: { unit: 'scene-sec', baseSec: 0, secPerUnit: 1, samples: samples.voice ?? 0 },
    shot: { unit: 'scene-sec', baseSec: 0, secPerUnit: 1, samples: samples.shot ?? 0 },
    music: { unit: 'film-sec', baseSec: 0, secPerUnit: 1, samples: samples.music ?? 0 },
    assemble: { unit: 'film-sec', baseSec: 0, secPerUnit: 1, samples: samples.assemble ?? 0 },
  },
});

describe('renderEstimate', () => {
  it("plans over each scene's own seconds, not a fixed length per scene", () => {
    const short = renderEstimate([2, 2], undefined)!;
    const long = renderEstimate([2, 20], undefined)!;
    expect(long.seconds).toBeGreaterThan(short.seconds);
    expect(short.steps.find((s) => s.step === 'scene-1/shot')?.units).toBe(2);
    expect(long.steps.find((s) => s.step === 'scene-1/shot')?.units).toBe(20);
  });

  it('is exactly the shared estimate of the shared plan, with the learned work and rate', () => {
    const i = info({ frame: 4, voice: 4, shot: 4, music: 4, assemble: 4 });
    const est = renderEstimate([3, 5], { ...i, usdPerSec: 0.01 })!;
    const plan = planJob('render.video', {}, { sceneSec: [3, 5] });
    expect(est).toEqual(
      estimatePlan('render.video', plan, {
        learned: Object.fromEntries(Object.entries(i.work).map(([k, m]) => [k, m])),
        rates: { gpu: 0.01, cpu: 0.0001 },
      }),
    );
    // 2 frames + 2 voices (3, 5) + 2 shots (3, 5) + music 8 + assemble 8.
    expect(est.seconds).toBe(34);
    expect(est.usd).toBeCloseTo(0.34, 6);
  });

  it('holds a shot at the render minimum, and has no estimate without scenes', () => {
    const est = renderEstimate([0.5], undefined)!;
    expect(est.steps.find((s) => s.kind === 'shot')?.units).toBe(MIN_SHOT_SEC);
    expect(renderEstimate([], undefined)).toBeNull();
  });
});

describe('estimate basis', () => {
  it('says "measured on this deployment" only when every step was measured', () => {
    const all = renderEstimate([4], info({ frame: 1, voice: 1, shot: 1, music: 1, assemble: 1 }))!;
    expect(estimateBasis(all)).toBe('measured');
    expect(estimateBasisText(all)).toBe('measured on this deployment');
  });

  it('says "first estimate" with no history (the cold models of the list are not history)', () => {
    const none = renderEstimate([4], info({}))!;
    expect(estimateBasis(none)).toBe('first');
    expect(estimateBasisText(none)).toMatch(/^first estimate/);
    expect(estimateBasis({ steps: [] })).toBe('first');
  });

  it('names the measured steps when only some are', () => {
    const some = renderEstimate([4, 4], info({ frame: 2, shot: 5 }))!;
    expect(estimateBasis(some)).toBe('partly');
    expect(estimateBasisText(some)).toBe(
      'partly measured on this deployment (frame, shot), the rest a first estimate',
    );
  });

  it('ignores a cold model however far it is from the catalog', () => {
    const odd = { ...info({}), work: { ...info({}).work, frame: { ...cold(99), unit: 'frame' as const } } };
    expect(renderEstimate([4], odd)!.steps.find((s) => s.kind === 'frame')?.seconds).toBe(
      JOB_CATALOG['render.video'].work.frame!.secPerUnit,
    );
  });
});

describe('variantsEstimate', () => {
  it('is the shared estimate of the render.variants plan, growing with each variant', () => {
    const one = variantsEstimate([5, 5], [15], undefined)!;
    const two = variantsEstimate([5, 5], [15, 30], undefined)!;
    expect(two.seconds).toBeGreaterThan(one.seconds);
    expect(one).toEqual(
      estimatePlan(
        'render.variants',
        planJob('render.variants', { variants: [{ durationSec: 15 }] }, { sceneSec: [5, 5] }),
        { learned: {}, rates: ratesOf(undefined) },
      ),
    );
  });
  it('is null without scenes or variants', () => {
    expect(variantsEstimate([], [15], undefined)).toBeNull();
    expect(variantsEstimate([5], [], undefined)).toBeNull();
  });
});
