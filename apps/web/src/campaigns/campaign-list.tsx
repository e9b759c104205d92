import {
  CAMPAIGN_STATUSES,
  type CampaignStatus,
  campaignSchema,
  createCampaignBodySchema,
} from '@clapboard/shared/campaigns';
import { can } from '@clapboard/shared/permissions';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../lib/api-client';
import { fieldErrorsOf } from '../lib/field-errors';
import { orgKeys, useBrandKits, useCampaigns, useClient } from './use-org';

/** Start a campaign for the client: name, dates, brand kit and the storyboard approval gate. */
function NewCampaign({ clientId }: { clientId: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const kits = useBrandKits(clientId);
  const [name, setName] = useState('');
  const [startsOn, setStartsOn] = useState('');
  const [endsOn, setEndsOn] = useState('');
  const [brandKitId, setBrandKitId] = useState('');
  const [gate, setGate] = useState(true);
  const [tried, setTried] = useState(false);
  const parsed = createCampaignBodySchema.safeParse({
    clientId,
    name,
    startsOn: startsOn || null,
    endsOn: endsOn || null,
    brandKitId: brandKitId || null,
    requireStoryboardApproval: gate,
  });
  const errors = parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
  const create = useMutation({
    mutationFn: (body: unknown) => api('/campaigns', campaignSchema, { method: 'POST', json: body }),
    onSuccess: async (c) => {
      await qc.invalidateQueries({ queryKey: orgKeys.campaigns });
      await qc.invalidateQueries({ queryKey: orgKeys.client(clientId) });
      await navigate({
        to: '/campaigns/$campaignId/$section',
        params: { campaignId: c.id, section: 'projects' },
      });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (parsed.success) create.mutate(parsed.data);
  };
  const shown = (k: string) => (tried || k !== 'name' ? errors[k] : undefined);
  return (
    <form
      className="card form-grid new-campaign"
      onSubmit={submit}
      aria-labelledby="new-campaign-title"
      noValidate
    >
      <h2 id="new-campaign-title" className="wide">
        New campaign
      </h2>
      <label htmlFor="campaign-name">
        Campaign name
        <input
          id="campaign-name"
          value={name}
          maxLength={200}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={!!shown('name')}
          aria-describedby={shown('name') ? 'campaign-name-error' : undefined}
        />
        {shown('name') && (
          <span id="campaign-name-error" className="error small">
            {shown('name')}
          </span>
        )}
      </label>
      <label htmlFor="campaign-starts">
        Starts on
        <input
          id="campaign-starts"
          type="date"
          value={startsOn}
          onChange={(e) => setStartsOn(e.target.value)}
        />
      </label>
      <label htmlFor="campaign-ends">
        Ends on
        <input
          id="campaign-ends"
          type="date"
          value={endsOn}
          onChange={(e) => setEndsOn(e.target.value)}
          aria-invalid={!!errors.endsOn}
          aria-describedby={errors.endsOn ? 'campaign-ends-error' : undefined}
        />
        {errors.endsOn && (
          <span id="campaign-ends-error" className="error small">
            The campaign cannot end before it starts.
          </span>
        )}
      </label>
      <label htmlFor="campaign-kit">
        Brand kit
        <select id="campaign-kit" value={brandKitId} onChange={(e) => setBrandKitId(e.target.value)}>
          <option value="">None</option>
          {kits.data?.items.map((k) => (
            <option key={k.id} value={k.id}>
              {k.name}
            </option>
          ))}
        </select>
      </label>
      <label className="inline wide">
        <input type="checkbox" checked={gate} onChange={(e) => setGate(e.target.checked)} /> Final renders
        wait for every scene's approval
      </label>
      <div className="wide row">
        <button type="submit" disabled={create.isPending}>
          Create campaign
        </button>
        {create.error && (
          <span className="error small" role="alert">
            {create.error instanceof ApiError ? create.error.message : 'Could not create the campaign.'}
          </span>
        )}
      </div>
    </form>
  );
}

/** A client's campaigns, filtered by status and name; staff who may start one get the form. */
export function CampaignList({ clientId }: { clientId: string }) {
  const client = useClient(clientId);
  const [status, setStatus] = useState<CampaignStatus | ''>('');
  const [q, setQ] = useState('');
  const campaigns = useCampaigns({ clientId, status, q });
  const items = campaigns.data?.pages.flatMap((p) => p.items) ?? [];
  const guest = client.data?.role === 'guest';
  return (
    <div className="org-section">
      {can(client.data?.role, 'campaigns:create') && <NewCampaign clientId={clientId} />}
      <div className="row wrap filters">
        <label htmlFor="campaign-status">
          Status
          <select
            id="campaign-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as CampaignStatus | '')}
          >
            <option value="">All</option>
            {CAMPAIGN_STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label htmlFor="campaign-search" className="grow">
          Search campaigns
          <input
            id="campaign-search"
            type="search"
            value={q}
            maxLength={200}
            onChange={(e) => setQ(e.target.value)}
          />
        </label>
      </div>
      {campaigns.isPending && <p className="muted">Loading campaigns…</p>}
      {campaigns.error && (
        <p className="error" role="alert">
          {campaigns.error.message}{' '}
          <button type="button" onClick={() => void campaigns.refetch()}>
            Retry
          </button>
        </p>
      )}
      {campaigns.data && items.length === 0 && (
        <p className="muted">
          {guest ? 'Nothing has been shared with you yet.' : 'No campaigns match. Start one above.'}
        </p>
      )}
      <ul className="grid">
        {items.map((c) => (
          <li key={c.id} className="card project-card" data-status={c.status}>
            <Link to="/campaigns/$campaignId/$section" params={{ campaignId: c.id, section: 'projects' }}>
              <strong>{c.name}</strong>
            </Link>
            <span className="muted small">
              <span className={`badge campaign-${c.status}`}>{c.status}</span> · {c.projectCount} project
              {c.projectCount === 1 ? '' : 's'}
              {c.startsOn || c.endsOn ? ` · ${c.startsOn ?? '…'} → ${c.endsOn ?? '…'}` : ''}
            </span>
          </li>
        ))}
      </ul>
      {campaigns.hasNextPage && (
        <button type="button" className="ghost" onClick={() => void campaigns.fetchNextPage()}>
          {campaigns.isFetchingNextPage ? 'Loading…' : 'Show more'}
        </button>
      )}
    </div>
  );
}
