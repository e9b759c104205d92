import { useParams } from '@tanstack/react-router';
import { lazy, Suspense } from 'react';
import { useCampaign } from '../campaigns/use-org';
import { ErrorBoundary } from '../components/error-boundary';
import { NotFound } from '../components/not-found';
import { CAMPAIGN_SECTIONS, type CampaignSection as Section } from '../router';
import { CAMPAIGN_SECTION_LABELS } from './campaign';

type Panel = React.LazyExoticComponent<
  (props: { campaignId: string; clientId: string }) => React.JSX.Element
>;
const PANELS: Record<Section, Panel> = {
  projects: lazy(() =>
    import('../campaigns/campaign-projects').then((m) => ({ default: m.CampaignProjects })),
  ),
  briefs: lazy(() => import('../campaigns/campaign-briefs').then((m) => ({ default: m.CampaignBriefs }))),
  budget: lazy(() => import('../campaigns/campaign-money').then((m) => ({ default: m.CampaignMoney }))),
  members: lazy(() =>
    import('../campaigns/org-members').then((m) => ({
      default: ({ campaignId }: { campaignId: string }) => <m.OrgMembers kind="campaign" id={campaignId} />,
    })),
  ),
  gallery: lazy(() =>
    import('../campaigns/gallery').then((m) => ({
      default: (p: { campaignId: string; clientId: string }) => (
        <m.Gallery clientId={p.clientId} campaignId={p.campaignId} />
      ),
    })),
  ),
};

/** One section of a campaign's page (staff; guests get the review view from the layout). */
export function CampaignSection() {
  const { campaignId, section } = useParams({ strict: false }) as { campaignId: string; section: string };
  const campaign = useCampaign(campaignId);
  if (!(CAMPAIGN_SECTIONS as readonly string[]).includes(section)) return <NotFound />;
  if (!campaign.data) return null;
  const Panel = PANELS[section as Section];
  const label = CAMPAIGN_SECTION_LABELS[section as Section];
  return (
    <ErrorBoundary key={section} label={label}>
      <Suspense fallback={<p className="muted">Loading {label}…</p>}>
        <Panel campaignId={campaignId} clientId={campaign.data.clientId} />
      </Suspense>
    </ErrorBoundary>
  );
}
