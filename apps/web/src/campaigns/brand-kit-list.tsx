import { type BrandKit, brandKitSchema, createBrandKitBodySchema } from '@clapboard/shared/campaigns';
import { can } from '@clapboard/shared/permissions';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../lib/api-client';
import { formatTime } from '../lib/format';
import { useAuthedObjectUrl } from '../lib/use-authed-object-url';
import { orgKeys, useBrandKits, useClient } from './use-org';

/** A kit's logo (fetched with the token), or nothing while it has none. */
export function KitLogo({ kit, className = 'kit-logo' }: { kit: BrandKit; className?: string }) {
  const logo = useAuthedObjectUrl(kit.logo ? `/brand-kits/${kit.id}/logo` : null, kit.revision);
  return logo.url ? <img src={logo.url} alt={`${kit.name} logo`} className={className} /> : null;
}

/** The kit's palette as swatches. */
export function Swatches({ kit }: { kit: BrandKit }) {
  return (
    <span className="swatches" role="img" aria-label={`Palette: ${Object.values(kit.palette).join(', ')}`}>
      {Object.entries(kit.palette).map(([name, hex]) => (
        <span key={name} className="swatch" style={{ background: hex }} title={`${name} ${hex}`} />
      ))}
    </span>
  );
}

/** A client's brand kits, each opening its editor; staff who may write start a new one by name. */
export function BrandKitList({ clientId }: { clientId: string }) {
  const client = useClient(clientId);
  const kits = useBrandKits(clientId);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const parsed = createBrandKitBodySchema.safeParse({ clientId, name });
  const create = useMutation({
    mutationFn: (body: unknown) => api('/brand-kits', brandKitSchema, { method: 'POST', json: body }),
    onSuccess: async (kit) => {
      await qc.invalidateQueries({ queryKey: orgKeys.brandKits(clientId) });
      await navigate({ to: '/brand-kits/$kitId', params: { kitId: kit.id } });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (parsed.success) create.mutate(parsed.data);
  };
  return (
    <div className="org-section">
      {can(client.data?.role, 'brandkits:write') && (
        <form className="row" onSubmit={submit}>
          <label className="sr-only" htmlFor="new-kit">
            New brand kit name
          </label>
          <input
            id="new-kit"
            placeholder="New brand kit name"
            value={name}
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit" disabled={!parsed.success || create.isPending}>
            Create brand kit
          </button>
          {create.error && (
            <span className="error small" role="alert">
              {create.error instanceof ApiError ? create.error.message : 'Could not create the kit.'}
            </span>
          )}
        </form>
      )}
      {kits.isPending && <p className="muted">Loading brand kits…</p>}
      {kits.error && <p className="error">{kits.error.message}</p>}
      {kits.data?.items.length === 0 && (
        <p className="muted">
          No brand kits yet. A kit holds the client's colours, logo, fonts, captions and writing rules;
          renders and drafts of campaigns that use it apply them.
        </p>
      )}
      <ul className="grid">
        {kits.data?.items.map((k) => (
          <li key={k.id} className="card kit-card">
            <KitLogo kit={k} />
            <Link to="/brand-kits/$kitId" params={{ kitId: k.id }}>
              <strong>{k.name}</strong>
            </Link>
            <Swatches kit={k} />
            <span className="muted small">
              Revision {k.revision} · {k.fonts.length} font{k.fonts.length === 1 ? '' : 's'} · updated{' '}
              {formatTime(k.updatedAt)}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
