import { Link, Outlet, useParams } from '@tanstack/react-router';
import { useClient } from '../campaigns/use-org';
import { NotFound } from '../components/not-found';
import { ApiError } from '../lib/api-client';
import { CLIENT_SECTIONS, type ClientSection } from '../router';

export const CLIENT_SECTION_LABELS: Record<ClientSection, string> = {
  campaigns: 'Campaigns',
  'brand-kits': 'Brand kits',
  members: 'Members',
  gallery: 'Gallery',
  spend: 'Spend',
};

/**
 * A client: its name, my role, and the section bar. The client's own people (guests) see only
 * its campaigns: every other section is for the agency's staff.
 */
export function ClientLayout() {
  const { clientId } = useParams({ strict: false }) as { clientId: string };
  const client = useClient(clientId);
  if (client.error instanceof ApiError && [400, 403, 404].includes(client.error.status)) return <NotFound />;
  const guest = client.data?.role === 'guest';
  const sections = guest ? (['campaigns'] as const) : CLIENT_SECTIONS;
  return (
    <section className="org-page">
      <nav className="crumbs small" aria-label="Breadcrumb">
        <Link to="/clients">Clients</Link>
      </nav>
      <div className="row spread">
        <h1>{client.data?.name ?? 'Loading…'}</h1>
        {client.data && <span className="badge">{guest ? 'client reviewer' : client.data.role}</span>}
      </div>
      {client.error && !(client.error instanceof ApiError && client.error.status < 500) && (
        <p className="error" role="alert">
          {client.error.message}{' '}
          <button type="button" onClick={() => void client.refetch()}>
            Retry
          </button>
        </p>
      )}
      {client.data && (
        <>
          <nav className="tabs" aria-label="Client sections">
            {sections.map((section) => (
              <Link
                key={section}
                to="/clients/$clientId/$section"
                params={{ clientId, section }}
                activeProps={{ 'aria-current': 'page', className: 'active' }}
              >
                {CLIENT_SECTION_LABELS[section]}
              </Link>
            ))}
          </nav>
          <Outlet />
        </>
      )}
    </section>
  );
}
