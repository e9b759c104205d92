import type { Campaign, CampaignProject } from '@clapboard/shared/campaigns';
import { useVariants, useVariantsLive } from '../variants/use-variants';
import { VariantCard } from '../variants/variant-card';
import { useCampaignProjects } from './use-org';

/**
 * How often a guest's view is read again when it cannot be live (ms): variants while their socket
 * is not connected, and the campaign's shared projects (no event announces a newly shared one).
 */
const GUEST_POLL_MS = 10_000;

/** One shared project: its variants to watch, decide on and comment (client-visible only), live. */
function SharedProject({ project }: { project: CampaignProject }) {
  const live = useVariantsLive(project.id);
  const poll = live ? false : GUEST_POLL_MS;
  const variants = useVariants(project.id, poll);
  const ready = variants.data?.items.filter((v) => v.status !== 'cancelled') ?? [];
  return (
    <section
      className="card shared-project"
      aria-labelledby={`shared-${project.id}`}
      data-project-id={project.id}
    >
      <h2 id={`shared-${project.id}`}>{project.name}</h2>
      <p className="muted small" data-testid="guest-live" data-live={live}>
        {live ? 'Live: decisions and comments appear as they are made.' : 'Refreshing every 10 seconds.'}
      </p>
      {variants.isPending && <p className="muted">Loading the variants…</p>}
      {variants.error && <p className="error">{variants.error.message}</p>}
      {variants.data && ready.length === 0 && <p className="muted">No variants to review yet.</p>}
      <ul className="variant-grid">
        {ready.map((v) => (
          <VariantCard key={v.id} variant={v} role={project.role} refetchInterval={poll} />
        ))}
      </ul>
    </section>
  );
}

/**
 * The campaign as the client's own people see it: only the projects the agency shared with them,
 * and in each, its variants with the player, Approve / Request changes and comments (all of theirs
 * visible to the team, and only the team's client-visible ones to them). No workspace, no budget.
 */
export function GuestCampaign({ campaign }: { campaign: Campaign }) {
  const projects = useCampaignProjects(campaign.id, GUEST_POLL_MS);
  const shared = projects.data?.items.filter((p) => p.sharedWithClient) ?? [];
  return (
    <div className="guest-campaign">
      <p className="muted">
        {campaign.clientName} · shared with you for review. Approve a variant or ask for changes; the team
        sees your comments.
      </p>
      {projects.isPending && <p className="muted">Loading…</p>}
      {projects.error && <p className="error">{projects.error.message}</p>}
      {projects.data && shared.length === 0 && (
        <p className="muted">Nothing is shared with you in this campaign.</p>
      )}
      {shared.map((p) => (
        <SharedProject key={p.id} project={p} />
      ))}
    </div>
  );
}
