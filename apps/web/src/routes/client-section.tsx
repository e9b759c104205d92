import { useParams } from '@tanstack/react-router';
import { lazy, Suspense } from 'react';
import { useClient } from '../campaigns/use-org';
import { ErrorBoundary } from '../components/error-boundary';
import { NotFound } from '../components/not-found';
import { CLIENT_SECTIONS, type ClientSection as Section } from '../router';
import { CLIENT_SECTION_LABELS } from './client';

type Panel = React.LazyExoticComponent<(props: { clientId: string }) => React.JSX.Element>;
// Each section is its own chunk, as the workspace tabs are.
const PANELS: Record<Section, Panel> = {
  campaigns: lazy(() => import('../campaigns/campaign-list').then((m) => ({ default: m.CampaignList }))),
  'brand-kits': lazy(() => import('../campaigns/brand-kit-list').then((m) => ({ default: m.BrandKitList }))),
  members: lazy(() =>
    import('../campaigns/org-members').then((m) => ({
      default: ({ clientId }: { clientId: string }) => <m.OrgMembers kind="client" id={clientId} />,
    })),
  ),
  gallery: lazy(() =>
    import('../campaigns/gallery').then((m) => ({
      default: ({ clientId }: { clientId: string }) => <m.Gallery clientId={clientId} />,
    })),
  ),
  spend: lazy(() =>
    import('../campaigns/spend-report').then((m) => ({
      default: ({ clientId }: { clientId: string }) => <m.SpendReport kind="client" id={clientId} />,
    })),
  ),
};

/** One section of a client's page; a guest always gets the campaigns (nothing else is theirs). */
export function ClientSection() {
  const { clientId, section } = useParams({ strict: false }) as { clientId: string; section: string };
  const client = useClient(clientId);
  if (!(CLIENT_SECTIONS as readonly string[]).includes(section)) return <NotFound />;
  const shown: Section = client.data?.role === 'guest' ? 'campaigns' : (section as Section);
  const Panel = PANELS[shown];
  return (
    <ErrorBoundary key={shown} label={CLIENT_SECTION_LABELS[shown]}>
      <Suspense fallback={<p className="muted">Loading {CLIENT_SECTION_LABELS[shown]}…</p>}>
        <Panel clientId={clientId} />
      </Suspense>
    </ErrorBoundary>
  );
}
