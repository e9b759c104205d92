import { projectPageSchema } from '@clapboard/shared/api';
import { type CampaignProject, campaignProjectSchema } from '@clapboard/shared/campaigns';
import { can } from '@clapboard/shared/permissions';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { api, errorText } from '../lib/api-client';
import { formatTime } from '../lib/format';
import { useToasts } from '../lib/toasts';
import { orgKeys, useCampaign, useCampaignProjects } from './use-org';

/** One project of the campaign: where to go in it, its variants, and whether the client sees it. */
function ProjectRow({ campaignId, project }: { campaignId: string; project: CampaignProject }) {
  const qc = useQueryClient();
  const toasts = useToasts();
  // The switch as clicked, set in the click itself (the mutation's own state reaches React a tick
  // later, and a controlled checkbox would flip back meanwhile); cleared once the list is fresh.
  const [wanted, setWanted] = useState<boolean | null>(null);
  const share = useMutation({
    mutationFn: (shared: boolean) =>
      api(`/projects/${project.id}/client-share`, campaignProjectSchema, { method: 'PUT', json: { shared } }),
    onSuccess: async (p) => {
      await qc.invalidateQueries({ queryKey: orgKeys.campaignProjects(campaignId) });
      toasts.push(
        'success',
        p.sharedWithClient
          ? `${p.name} is shared with the client: their guests see its variants.`
          : `${p.name} is no longer shared with the client.`,
      );
    },
    onError: (err) => toasts.push('error', errorText(err, 'The change failed.')),
    onSettled: () => setWanted(null),
  });
  const tabs = [
    ['brief', 'Brief'],
    ['script', 'Script'],
    ['storyboard', 'Storyboard'],
    ['variants', 'Variants'],
  ] as const;
  return (
    <li className="card campaign-project" data-project-id={project.id} data-shared={project.sharedWithClient}>
      <div className="row spread">
        <Link to="/projects/$projectId/$tab" params={{ projectId: project.id, tab: 'script' }}>
          <strong>{project.name}</strong>
        </Link>
        <span className="muted small">
          {project.role} · {project.variantCount} variant{project.variantCount === 1 ? '' : 's'} · updated{' '}
          {formatTime(project.updatedAt)}
        </span>
      </div>
      <nav className="row small" aria-label={`Open ${project.name}`}>
        {tabs.map(([tab, label]) => (
          <Link key={tab} to="/projects/$projectId/$tab" params={{ projectId: project.id, tab }}>
            {label}
          </Link>
        ))}
      </nav>
      {can(project.role, 'client:share') ? (
        <label className="inline small">
          <input
            type="checkbox"
            // Shown switched at once; the server's answer (or its refusal) settles it.
            checked={wanted ?? project.sharedWithClient}
            disabled={share.isPending}
            onChange={(e) => {
              setWanted(e.target.checked);
              share.mutate(e.target.checked);
            }}
            aria-label={`Shared with client: ${project.name}`}
          />{' '}
          Shared with client
          <span className="muted"> (their guests see this project's variants, approve them and comment)</span>
        </label>
      ) : (
        <span className="small muted">
          {project.sharedWithClient ? 'Shared with the client' : 'Not shared with the client'}
        </span>
      )}
    </li>
  );
}

/** A new project in the campaign, or one of mine moved into it. */
function AddProject({ campaignId }: { campaignId: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [moving, setMoving] = useState('');
  const mine = useQuery({
    queryKey: ['projects'],
    queryFn: () => api('/projects?limit=50', projectPageSchema),
  });
  const add = useMutation({
    mutationFn: (body: { name: string } | { projectId: string }) =>
      api(`/campaigns/${campaignId}/projects`, campaignProjectSchema, { method: 'POST', json: body }),
    onSuccess: async (p, body) => {
      await qc.invalidateQueries({ queryKey: orgKeys.campaignProjects(campaignId) });
      void qc.invalidateQueries({ queryKey: orgKeys.campaign(campaignId) });
      void qc.invalidateQueries({ queryKey: ['projects'] });
      setName('');
      setMoving('');
      if ('name' in body)
        await navigate({ to: '/projects/$projectId/$tab', params: { projectId: p.id, tab: 'brief' } });
    },
  });
  const create = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) add.mutate({ name: name.trim() });
  };
  const move = (e: FormEvent) => {
    e.preventDefault();
    if (moving) add.mutate({ projectId: moving });
  };
  const owned = mine.data?.items.filter((p) => p.role === 'owner') ?? [];
  return (
    <div className="card add-project">
      <form className="row wrap" onSubmit={create}>
        <label htmlFor="campaign-new-project" className="grow">
          New project in this campaign
          <input
            id="campaign-new-project"
            value={name}
            maxLength={200}
            placeholder="Project name"
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <button type="submit" disabled={!name.trim() || add.isPending}>
          Create project
        </button>
      </form>
      <form className="row wrap" onSubmit={move}>
        <label htmlFor="campaign-move-project" className="grow">
          Or move one of your projects here
          <select id="campaign-move-project" value={moving} onChange={(e) => setMoving(e.target.value)}>
            <option value="">Choose a project you own…</option>
            {owned.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="ghost" disabled={!moving || add.isPending}>
          Move into campaign
        </button>
      </form>
      {add.error && (
        <p className="error small" role="alert">
          {errorText(add.error, 'Could not add the project.')}
        </p>
      )}
    </div>
  );
}

/** The campaign's projects, with create / move for those who may and the "Shared with client" switch. */
export function CampaignProjects({ campaignId }: { campaignId: string }) {
  const campaign = useCampaign(campaignId);
  const projects = useCampaignProjects(campaignId);
  return (
    <div className="org-section">
      {can(campaign.data?.role, 'campaign:projects') && <AddProject campaignId={campaignId} />}
      {projects.isPending && <p className="muted">Loading projects…</p>}
      {projects.error && (
        <p className="error" role="alert">
          {projects.error.message}
        </p>
      )}
      {projects.data?.items.length === 0 && <p className="muted">No projects in this campaign yet.</p>}
      <ul className="plain campaign-projects">
        {projects.data?.items.map((p) => (
          <ProjectRow key={p.id} campaignId={campaignId} project={p} />
        ))}
      </ul>
    </div>
  );
}
