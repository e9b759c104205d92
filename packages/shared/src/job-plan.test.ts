import { describe, expect, it } from 'vitest';
import {
  estimatePlan,
  fitWorkModel,
  planJob,
  planNodes,
  renderVariantsPlan,
  renderVideoPlan,
} from './job-plan';
import { JOB_CATALOG } from './jobs';

describe('job plan', () => {
  it('a render plans frame and voice per scene before its shot, music, then assembly', () => {
    const nodes = planNodes(renderVideoPlan([2, 5]));
    expect(nodes.map((n) => n.step)).toEqual([
      'scene-0/frame',
      'scene-0/voice',
      'scene-0/shot',
      'scene-1/frame',
      'scene-1/voice',
      'scene-1/shot',
      'music',
      'assemble',
    ]);
    expect(nodes.find((n) => n.step === 'scene-1/shot')).toMatchObject({
      kind: 'shot',
      units: 5,
      item: { scene: 1 },
    });
    expect(nodes.find((n) => n.step === 'assemble')!.units).toBe(7);
    expect(() => renderVideoPlan([])).toThrow(RangeError);
  });

  it('a variant matrix shares plates, voices and music, then one shots and one assemble step for all', () => {
    const params = { variants: [{ durationSec: 15 }, { durationSec: 30 }, { durationSec: 60 }] };
    const plan = planJob('render.variants', params, { sceneSec: [6, 6, 6, 6] });
    const nodes = planNodes(plan);
    expect(nodes.map((n) => n.step)).toEqual([
      'scene-0/frame',
      'scene-0/voice',
      'scene-1/frame',
      'scene-1/voice',
      'scene-2/frame',
      'scene-2/voice',
      'scene-3/frame',
      'scene-3/voice',
      'music',
      'shots',
      'assemble',
    ]);
    // A tree: every node but the root has exactly one parent.
    const parents = new Map<string, number>();
    for (const n of nodes) for (const a of n.after ?? []) parents.set(a.step, (parents.get(a.step) ?? 0) + 1);
    expect([...parents.values()].every((c) => c === 1)).toBe(true);
    // 15 s fitted (a middle scene dropped), 22.5 s twice (the storyboard is shorter than 30 and 60 s).
    const shots = nodes.find((n) => n.step === 'shots')!;
    expect(shots.units).toBeLessThanOrEqual(15 + 22.5 + 22.5);
    expect(shots.units).toBeGreaterThan(14 + 22.5 + 22.5);
    expect(nodes.find((n) => n.step === 'music')!.units).toBe(22.5);
    // Brand cards make every variant longer, up to its length.
    const carded = renderVariantsPlan([6, 6, 6, 6], {
      ...params,
      brand: { style: { introCard: { enabled: true, durationSec: 2 }, outroCard: { enabled: false } } },
    });
    expect(planNodes(carded).find((n) => n.step === 'shots')!.units).toBeGreaterThan(shots.units);
    expect(() => renderVariantsPlan([], params)).toThrow(RangeError);
  });

  it('an LMS export is one package step whose work is the lesson video’s length', () => {
    const plan = planJob('export.lms', {}, { filmSec: 180 });
    expect(planNodes(plan)).toEqual([{ step: 'package', kind: 'package', units: 180 }]);
    const w = JOB_CATALOG['export.lms'].work.package!;
    expect(estimatePlan('export.lms', plan).seconds).toBeCloseTo(w.baseSec + w.secPerUnit * 180, 3);
    expect(planNodes(planJob('export.lms', {}))[0]!.units).toBe(0);
  });

  it('lecture clips: per clip a prepare step, then one encode of every aspect waiting for it', () => {
    const params = {
      clips: [
        { candidateId: 'a', startSec: 10, endSec: 40 },
        { candidateId: 'b', startSec: 100, endSec: 112.5 },
      ],
      aspects: ['9:16', '16:9'],
    };
    const nodes = planNodes(planJob('highlights.clips', params));
    expect(nodes.map((n) => [n.step, n.kind, n.units])).toEqual([
      ['clip-1/prepare', 'prepare', 30],
      ['clip-1/encode', 'encode', 60],
      ['clip-2/prepare', 'prepare', 12.5],
      ['clip-2/encode', 'encode', 25],
    ]);
    expect(nodes[1]!.item).toEqual({ clip: 0 });
    const w = JOB_CATALOG['highlights.clips'].work;
    const expected = (sec: number) =>
      w.prepare!.baseSec + w.prepare!.secPerUnit * sec + w.encode!.baseSec + w.encode!.secPerUnit * 2 * sec;
    expect(estimatePlan('highlights.clips', planJob('highlights.clips', params)).seconds).toBeCloseTo(
      expected(30) + expected(12.5),
      3,
    );
  });

  it('the estimate is the sum of each step’s work model × the class rate, learned models first', () => {
    const plan = planJob('render.video', {}, { sceneSec: [4, 4] });
    const cold = estimatePlan('render.video', plan);
    const w = JOB_CATALOG['render.video'].work;
    const shot = w.shot!.baseSec + w.shot!.secPerUnit * 4;
    expect(cold.steps.find((s) => s.step === 'scene-0/shot')!.seconds).toBeCloseTo(shot, 3);
    expect(cold.usd).toBeCloseTo(cold.seconds * 0.0008, 6);
    const learned = estimatePlan('render.video', plan, {
      learned: { shot: { unit: 'scene-sec', baseSec: 1, secPerUnit: 1, samples: 3 } },
    });
    expect(learned.steps.find((s) => s.step === 'scene-0/shot')).toMatchObject({ seconds: 5, learned: true });
    expect(learned.seconds - cold.seconds).toBeCloseTo(2 * (5 - shot), 3);
    expect(estimatePlan('scene.variations', planJob('scene.variations', { count: 3 })).steps[0]!.units).toBe(
      3,
    );
  });

  it('fits base and rate robustly: a first run that loads a model does not skew the fit', () => {
    const samples = [2, 4, 6, 8, 10].map((u) => ({ units: u, seconds: 0.5 + 0.25 * u }));
    const fit = fitWorkModel('scene-sec', [...samples, { units: 4, seconds: 9 }])!;
    expect(fit.secPerUnit).toBeCloseTo(0.25, 2);
    expect(fit.baseSec).toBeCloseTo(0.5, 1);
    expect(fit.samples).toBe(6);
    expect(
      fitWorkModel('step', [
        { units: 1, seconds: 2 },
        { units: 1, seconds: 3 },
        { units: 1, seconds: 30 },
      ]),
    ).toMatchObject({
      baseSec: 3,
      secPerUnit: 0,
    });
    expect(
      fitWorkModel('frame', [
        { units: 2, seconds: 1 },
        { units: 2, seconds: 3 },
      ]),
    ).toMatchObject({
      baseSec: 0,
      secPerUnit: 1,
    });
    expect(fitWorkModel('frame', [])).toBeNull();
  });
});
