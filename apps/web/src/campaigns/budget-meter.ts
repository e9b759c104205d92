import {
  type CampaignBudget,
  type CampaignBudgetBody,
  type CampaignLimit,
  campaignBudgetBodySchema,
} from '@clapboard/shared/campaigns';
import { fieldErrorsOf } from '../lib/field-errors';
import { formatTime, formatUsd } from '../lib/format';

export type LimitState = 'ok' | 'warning' | 'paused';

/** One of a campaign's two limits as a meter: committed, the limits, the share of the bar, the state. */
export interface LimitMeter {
  limit: CampaignLimit;
  usd: number;
  softUsd: number | null;
  hardUsd: number | null;
  /** Committed as a percent of the hard limit (else the soft one), 0–100; null without a limit. */
  percent: number | null;
  /** `paused` while this hard limit holds new jobs, `warning` past the soft limit, as the API says. */
  state: LimitState;
}

export function limitMeter(budget: CampaignBudget, limit: CampaignLimit): LimitMeter {
  const usd = limit === 'daily' ? budget.todayUsd : budget.totalUsd;
  const softUsd = limit === 'daily' ? budget.dailySoftUsd : budget.totalSoftUsd;
  const hardUsd = limit === 'daily' ? budget.dailyHardUsd : budget.totalHardUsd;
  const of = hardUsd ?? softUsd;
  const percent = of === null ? null : of === 0 ? 100 : Math.min(100, Math.round((usd / of) * 100));
  const state: LimitState =
    budget.paused?.limit === limit ? 'paused' : budget.warnings.includes(limit) ? 'warning' : 'ok';
  return { limit, usd, softUsd, hardUsd, percent, state };
}

/** Why new jobs are held, and until when, in words. */
export function pauseText(paused: NonNullable<CampaignBudget['paused']>, timezone: string): string {
  return paused.limit === 'daily'
    ? `New jobs are paused: today's hard limit is reached. They fit again at midnight ${timezone}${
        paused.until ? ` (${formatTime(paused.until)})` : ''
      }, or sooner if an owner raises the limit.`
    : 'New jobs are paused: the total hard limit is reached. They fit again once an owner raises it.';
}

/** The limits form: each a text box (empty removes the limit) and the time zone. */
export type BudgetForm = Record<
  'dailySoftUsd' | 'dailyHardUsd' | 'totalSoftUsd' | 'totalHardUsd' | 'timezone',
  string
>;

export function budgetFormOf(b: CampaignBudget): BudgetForm {
  const text = (n: number | null) => (n === null ? '' : String(n));
  return {
    dailySoftUsd: text(b.dailySoftUsd),
    dailyHardUsd: text(b.dailyHardUsd),
    totalSoftUsd: text(b.totalSoftUsd),
    totalHardUsd: text(b.totalHardUsd),
    timezone: b.timezone,
  };
}

/**
 * The PUT body of the limits form, parsed with the shared schema; a soft limit above its hard one is
 * refused here with the API's rule, so the person sees it beside the field before sending.
 */
export function budgetBodyOf(
  form: BudgetForm,
): { ok: true; body: CampaignBudgetBody } | { ok: false; errors: Record<string, string> } {
  const num = (s: string) => (s.trim() === '' ? null : Number(s));
  const parsed = campaignBudgetBodySchema.safeParse({
    dailySoftUsd: num(form.dailySoftUsd),
    dailyHardUsd: num(form.dailyHardUsd),
    totalSoftUsd: num(form.totalSoftUsd),
    totalHardUsd: num(form.totalHardUsd),
    timezone: form.timezone.trim(),
  });
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error.issues) };
  const b = parsed.data;
  const errors: Record<string, string> = {};
  for (const limit of ['daily', 'total'] as const) {
    const soft = b[`${limit}SoftUsd`];
    const hard = b[`${limit}HardUsd`];
    if (soft != null && hard != null && soft > hard)
      errors[`${limit}SoftUsd`] =
        `The soft limit (${formatUsd(soft)}) must not be above the hard limit (${formatUsd(hard)}).`;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, body: b };
}
