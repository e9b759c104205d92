import { can } from '@clapboard/shared/permissions';
import { Link, useParams } from '@tanstack/react-router';
import { BrandKitEditor } from '../campaigns/brand-kit-editor';
import { useBrandKit, useClient } from '../campaigns/use-org';
import { NotFound } from '../components/not-found';
import { ApiError } from '../lib/api-client';

/** One brand kit of a client, in its editor (read-only for roles that may not write kits). */
export function BrandKitPage() {
  const { kitId } = useParams({ strict: false }) as { kitId: string };
  const kit = useBrandKit(kitId);
  const client = useClient(kit.data?.clientId ?? '', !!kit.data);
  if (kit.error instanceof ApiError && [400, 403, 404].includes(kit.error.status)) return <NotFound />;
  return (
    <section className="org-page">
      {kit.data && (
        <nav className="crumbs small" aria-label="Breadcrumb">
          <Link to="/clients">Clients</Link> ›{' '}
          <Link
            to="/clients/$clientId/$section"
            params={{ clientId: kit.data.clientId, section: 'brand-kits' }}
          >
            {client.data?.name ?? 'Client'}
          </Link>
        </nav>
      )}
      <h1>{kit.data ? `Brand kit: ${kit.data.name}` : 'Loading…'}</h1>
      {kit.error && !(kit.error instanceof ApiError) && <p className="error">{kit.error.message}</p>}
      {kit.data && client.data && (
        <BrandKitEditor kit={kit.data} canWrite={can(client.data.role, 'brandkits:write')} />
      )}
    </section>
  );
}
