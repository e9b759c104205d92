import type { CampaignBudget } from '@clapboard/shared/campaigns';
import { describe, expect, it } from 'vitest';
import { budgetBodyOf, budgetFormOf, limitMeter, pauseText } from './budget-meter';

const budget = (over: Partial<CampaignBudget> = {}): CampaignBudget => ({
  campaignId: '11111111-1111-4111-8111-111111111111',
  dailySoftUsd: 5,
  dailyHardUsd: 10,
  totalSoftUsd: null,
  totalHardUsd: null,
  timezone: 'Europe/Paris',
  todayUsd: 7.5,
  totalUsd: 40,
  paused: null,
  warnings: ['daily'],
  ...over,
});

describe('limitMeter', () => {
  it('measures against the hard limit and takes the state from the API', () => {
    expect(limitMeter(budget(), 'daily')).toMatchObject({ usd: 7.5, percent: 75, state: 'warning' });
    expect(
      limitMeter(budget({ paused: { limit: 'daily', until: null }, todayUsd: 12 }), 'daily'),
    ).toMatchObject({
      percent: 100,
      state: 'paused',
    });
  });
  it('has no bar without a limit, and measures against the soft one without a hard one', () => {
    expect(limitMeter(budget(), 'total')).toMatchObject({ percent: null, state: 'ok' });
    expect(limitMeter(budget({ totalSoftUsd: 80 }), 'total').percent).toBe(50);
  });
});

describe('budgetBodyOf', () => {
  it('turns empty boxes into removed limits', () => {
    const form = { ...budgetFormOf(budget()), dailySoftUsd: '', totalHardUsd: '100' };
    expect(budgetBodyOf(form)).toEqual({
      ok: true,
      body: {
        dailySoftUsd: null,
        dailyHardUsd: 10,
        totalSoftUsd: null,
        totalHardUsd: 100,
        timezone: 'Europe/Paris',
      },
    });
  });
  it('refuses a soft limit above its hard one, a negative sum and an unknown zone', () => {
    const r = budgetBodyOf({ ...budgetFormOf(budget()), dailySoftUsd: '20' });
    expect(r).toEqual({ ok: false, errors: { dailySoftUsd: expect.stringContaining('must not be above') } });
    const bad = budgetBodyOf({ ...budgetFormOf(budget()), totalHardUsd: '-1', timezone: '+01:00' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(['timezone', 'totalHardUsd']);
  });
});

describe('pauseText', () => {
  it('says when a daily pause lifts, and that a total one needs an owner', () => {
    expect(pauseText({ limit: 'daily', until: null }, 'UTC')).toContain('midnight UTC');
    expect(pauseText({ limit: 'total', until: null }, 'UTC')).toContain('raises it');
  });
});
