import { campaignBudgetSchema } from '@clapboard/shared/campaigns';
import { can } from '@clapboard/shared/permissions';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../lib/api-client';
import { formatUsd } from '../lib/format';
import { useToasts } from '../lib/toasts';
import {
  type BudgetForm,
  budgetBodyOf,
  budgetFormOf,
  type LimitMeter,
  limitMeter,
  pauseText,
} from './budget-meter';
import { SpendReport } from './spend-report';
import { orgKeys, useCampaign, useCampaignBudget } from './use-org';

const STATE_TEXT = {
  ok: 'Within limits',
  warning: 'Soft limit passed',
  paused: 'Paused: hard limit reached',
};

/** One limit (today's or the total) as a bar with the soft and hard marks. */
function Meter({ m }: { m: LimitMeter }) {
  const title = m.limit === 'daily' ? 'Today' : 'In all';
  return (
    <div className="budget-meter" data-state={m.state} data-limit={m.limit}>
      <div className="row spread small">
        <strong>{title}</strong>
        <span>
          {formatUsd(m.usd)} committed
          {m.hardUsd !== null ? ` of ${formatUsd(m.hardUsd)} hard` : ''}
          {m.softUsd !== null ? ` · soft ${formatUsd(m.softUsd)}` : ''}
          {m.hardUsd === null && m.softUsd === null ? ' · no limit' : ''}
        </span>
      </div>
      {m.percent !== null && (
        <meter
          min={0}
          max={100}
          low={m.softUsd !== null && m.hardUsd !== null ? (m.softUsd / Math.max(m.hardUsd, 1e-9)) * 100 : 80}
          high={99.9}
          optimum={0}
          value={m.percent}
          aria-label={`${title}: ${m.percent}% of the limit`}
        />
      )}
      <span className={`small state-${m.state}`}>{STATE_TEXT[m.state]}</span>
    </div>
  );
}

const FIELDS: Array<{ key: keyof BudgetForm; label: string }> = [
  { key: 'dailySoftUsd', label: 'Daily soft limit (USD, warns)' },
  { key: 'dailyHardUsd', label: 'Daily hard limit (USD, pauses until midnight)' },
  { key: 'totalSoftUsd', label: 'Total soft limit (USD, warns)' },
  { key: 'totalHardUsd', label: 'Total hard limit (USD, pauses until raised)' },
  { key: 'timezone', label: 'Days counted in time zone' },
];

/** The limits form (owners); an empty box removes that limit. */
function LimitsForm({ campaignId, initial }: { campaignId: string; initial: BudgetForm }) {
  const qc = useQueryClient();
  const toasts = useToasts();
  const [form, setForm] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (body: unknown) =>
      api(`/campaigns/${campaignId}/budget`, campaignBudgetSchema, { method: 'PUT', json: body }),
    onSuccess: (b) => {
      qc.setQueryData(orgKeys.budget(campaignId), b);
      toasts.push('success', 'Campaign limits saved.');
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = budgetBodyOf(form);
    setErrors(r.ok ? {} : r.errors);
    if (r.ok) save.mutate(r.body);
  };
  return (
    <form className="form-grid" onSubmit={submit} noValidate aria-label="Campaign limits">
      {FIELDS.map(({ key, label }) => (
        <label key={key} htmlFor={`budget-${key}`}>
          {label}
          <input
            id={`budget-${key}`}
            type={key === 'timezone' ? 'text' : 'number'}
            min={0}
            step="0.01"
            value={form[key]}
            onChange={(e) => setForm({ ...form, [key]: e.target.value })}
            aria-invalid={!!errors[key]}
            aria-describedby={errors[key] ? `budget-${key}-error` : undefined}
          />
          {errors[key] && (
            <span id={`budget-${key}-error`} className="error small">
              {errors[key]}
            </span>
          )}
        </label>
      ))}
      <div className="wide row">
        <button type="submit" disabled={save.isPending}>
          Save limits
        </button>
        {save.error && (
          <span className="error small" role="alert">
            {save.error instanceof ApiError ? save.error.message : 'Could not save the limits.'}
          </span>
        )}
      </div>
    </form>
  );
}

/**
 * A campaign's money: today's and the total commitment against the limits (warning past a soft
 * one, paused at a hard one, and until when), the limits form for owners, and the spend report.
 */
export function CampaignMoney({ campaignId }: { campaignId: string }) {
  const campaign = useCampaign(campaignId);
  const role = campaign.data?.role;
  const budget = useCampaignBudget(campaignId, can(role, 'spend:read'));
  if (!can(role, 'spend:read'))
    return <p className="muted">Only the campaign's owners and editors see its budget and spend.</p>;
  const b = budget.data;
  return (
    <div className="org-section">
      <section className="card" aria-labelledby="campaign-budget-title">
        <h2 id="campaign-budget-title">Budget</h2>
        {budget.isPending && <p className="muted">Loading the budget…</p>}
        {budget.error && <p className="error">{budget.error.message}</p>}
        {b?.paused && (
          <p className="error-box error" role="alert" data-testid="campaign-paused">
            {pauseText(b.paused, b.timezone)}
          </p>
        )}
        {b && b.warnings.length > 0 && !b.paused && (
          <p className="warning-box" role="status">
            {b.warnings.map((w) => (w === 'daily' ? "Today's" : 'The total')).join(' and ')} soft limit
            {b.warnings.length > 1 ? 's are' : ' is'} passed: the campaign's owners were notified.
          </p>
        )}
        {b && (
          <div className="budget-meters">
            <Meter m={limitMeter(b, 'daily')} />
            <Meter m={limitMeter(b, 'total')} />
          </div>
        )}
        {b && can(role, 'budget:manage') && (
          <LimitsForm
            key={`${b.dailySoftUsd}-${b.dailyHardUsd}-${b.totalSoftUsd}-${b.totalHardUsd}-${b.timezone}`}
            campaignId={campaignId}
            initial={budgetFormOf(b)}
          />
        )}
      </section>
      <SpendReport kind="campaign" id={campaignId} />
    </div>
  );
}
