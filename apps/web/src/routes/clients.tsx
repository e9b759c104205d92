import { clientSchema, createClientBodySchema } from '@clapboard/shared/campaigns';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { orgKeys, useClients } from '../campaigns/use-org';
import { ApiError, api } from '../lib/api-client';

/** The agency's clients I belong to (as staff, or as one of the client's own people), and a new one. */
export function ClientsPage() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [name, setName] = useState('');
  const clients = useClients(q);
  const items = clients.data?.pages.flatMap((p) => p.items) ?? [];
  const create = useMutation({
    mutationFn: (body: { name: string }) => api('/clients', clientSchema, { method: 'POST', json: body }),
    onSuccess: async (client) => {
      await qc.invalidateQueries({ queryKey: orgKeys.clients });
      await navigate({
        to: '/clients/$clientId/$section',
        params: { clientId: client.id, section: 'campaigns' },
      });
    },
  });
  const parsed = createClientBodySchema.safeParse({ name });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (parsed.success) create.mutate(parsed.data);
  };
  return (
    <section className="org-page">
      <div className="row spread">
        <h1>Clients</h1>
        <form className="row" onSubmit={submit}>
          <label className="sr-only" htmlFor="new-client">
            New client name
          </label>
          <input
            id="new-client"
            placeholder="New client name"
            value={name}
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit" disabled={create.isPending || !parsed.success}>
            Create client
          </button>
        </form>
      </div>
      {create.error && (
        <p className="error" role="alert">
          {create.error instanceof ApiError ? create.error.message : 'Could not create the client.'}
        </p>
      )}
      <label htmlFor="client-search" className="search">
        Search clients
        <input
          id="client-search"
          type="search"
          placeholder="Name contains…"
          value={q}
          maxLength={200}
          onChange={(e) => setQ(e.target.value)}
        />
      </label>
      {clients.isPending && <p className="muted">Loading clients…</p>}
      {clients.error && (
        <p className="error" role="alert">
          {clients.error.message}{' '}
          <button type="button" onClick={() => void clients.refetch()}>
            Retry
          </button>
        </p>
      )}
      {clients.data && items.length === 0 && (
        <p className="muted">
          {q.trim() ? 'No client matches.' : 'No clients yet. Create one to organise campaigns for it.'}
        </p>
      )}
      <ul className="grid">
        {items.map((c) => (
          <li key={c.id} className="card project-card">
            <Link to="/clients/$clientId/$section" params={{ clientId: c.id, section: 'campaigns' }}>
              <strong>{c.name}</strong>
            </Link>
            <span className="muted small">
              {c.role === 'guest' ? 'client reviewer' : c.role} · {c.campaignCount} campaign
              {c.campaignCount === 1 ? '' : 's'}
            </span>
          </li>
        ))}
      </ul>
      {clients.hasNextPage && (
        <button type="button" className="ghost" onClick={() => void clients.fetchNextPage()}>
          {clients.isFetchingNextPage ? 'Loading…' : 'Show more'}
        </button>
      )}
    </section>
  );
}
