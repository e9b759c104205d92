import { CAMPAIGN_STATUSES, type CampaignStatus, campaignSchema } from '@clapboard/shared/campaigns';
import { can } from '@clapboard/shared/permissions';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useParams } from '@tanstack/react-router';
import { GuestCampaign } from '../campaigns/guest-campaign';
import { orgKeys, useBrandKits, useCampaign } from '../campaigns/use-org';
import { NotFound } from '../components/not-found';
import { ApiError, api } from '../lib/api-client';
import { useToasts } from '../lib/toasts';
import { CAMPAIGN_SECTIONS, type CampaignSection } from '../router';

export const CAMPAIGN_SECTION_LABELS: Record<CampaignSection, string> = {
  projects: 'Projects',
  briefs: 'Briefs',
  budget: 'Budget & spend',
  members: 'Members',
  gallery: 'Gallery',
};

/** Status and brand kit of a campaign, for the roles that may change them. */
function CampaignSettings({ campaignId }: { campaignId: string }) {
  const qc = useQueryClient();
  const toasts = useToasts();
  const campaign = useCampaign(campaignId);
  const c = campaign.data!;
  const kits = useBrandKits(c.clientId);
  const update = useMutation({
    mutationFn: (body: { status?: CampaignStatus; brandKitId?: string | null }) =>
      api(`/campaigns/${campaignId}`, campaignSchema, { method: 'PATCH', json: body }),
    onSuccess: (next) => {
      qc.setQueryData(orgKeys.campaign(campaignId), next);
      void qc.invalidateQueries({ queryKey: orgKeys.campaigns });
    },
    onError: (err) => toasts.push('error', err instanceof ApiError ? err.message : 'The change failed.'),
  });
  return (
    <div className="row wrap campaign-settings small">
      <label htmlFor="campaign-status-edit" className="row inline">
        Status
        <select
          id="campaign-status-edit"
          value={c.status}
          onChange={(e) => update.mutate({ status: e.target.value as CampaignStatus })}
        >
          {CAMPAIGN_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label htmlFor="campaign-kit-edit" className="row inline">
        Brand kit
        <select
          id="campaign-kit-edit"
          value={c.brandKitId ?? ''}
          onChange={(e) => update.mutate({ brandKitId: e.target.value || null })}
        >
          <option value="">None</option>
          {kits.data?.items.map((k) => (
            <option key={k.id} value={k.id}>
              {k.name}
            </option>
          ))}
        </select>
      </label>
      {c.brandKitId && (
        <Link to="/brand-kits/$kitId" params={{ kitId: c.brandKitId }}>
          Open the brand kit
        </Link>
      )}
    </div>
  );
}

/**
 * A campaign: its client, name, status and my role, then its sections. The client's own people
 * (guests) get the review view instead: the shared projects and their variants, nothing else.
 */
export function CampaignLayout() {
  const { campaignId } = useParams({ strict: false }) as { campaignId: string };
  const campaign = useCampaign(campaignId);
  if (campaign.error instanceof ApiError && [400, 403, 404].includes(campaign.error.status))
    return <NotFound />;
  const c = campaign.data;
  const guest = c?.role === 'guest';
  return (
    <section className="org-page">
      <nav className="crumbs small" aria-label="Breadcrumb">
        <Link to="/clients">Clients</Link>
        {c && (
          <>
            {' › '}
            <Link to="/clients/$clientId/$section" params={{ clientId: c.clientId, section: 'campaigns' }}>
              {c.clientName}
            </Link>
          </>
        )}
      </nav>
      <div className="row spread">
        <h1>{c?.name ?? 'Loading…'}</h1>
        {c && (
          <span className="row small">
            <span className={`badge campaign-${c.status}`}>{c.status}</span>
            <span className="badge">{guest ? 'client reviewer' : c.role}</span>
          </span>
        )}
      </div>
      {campaign.error && !(campaign.error instanceof ApiError && campaign.error.status < 500) && (
        <p className="error" role="alert">
          {campaign.error.message}{' '}
          <button type="button" onClick={() => void campaign.refetch()}>
            Retry
          </button>
        </p>
      )}
      {c && guest && <GuestCampaign campaign={c} />}
      {c && !guest && (
        <>
          {can(c.role, 'campaign:update') && <CampaignSettings campaignId={campaignId} />}
          <nav className="tabs" aria-label="Campaign sections">
            {CAMPAIGN_SECTIONS.map((section) => (
              <Link
                key={section}
                to="/campaigns/$campaignId/$section"
                params={{ campaignId, section }}
                activeProps={{ 'aria-current': 'page', className: 'active' }}
              >
                {CAMPAIGN_SECTION_LABELS[section]}
              </Link>
            ))}
          </nav>
          <Outlet />
        </>
      )}
    </section>
  );
}
