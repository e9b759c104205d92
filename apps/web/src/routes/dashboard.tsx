import { projectPageSchema, projectSchema } from '@clapboard/shared/api';
import { jobPageSchema } from '@clapboard/shared/jobs';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useClients } from '../campaigns/use-org';
import { StatusBadge } from '../components/job-progress';
import { ApiError, api } from '../lib/api-client';
import { formatTime } from '../lib/format';
import { createProjectFromScript } from '../lib/script-import';
import { ImportScriptDialog } from '../script-import/import-script-dialog';

/** The latest renders across my projects. */
function RecentRenders({ names }: { names: Map<string, string> }) {
  const renders = useQuery({
    queryKey: ['jobs', 'all', 'recent-renders'],
    queryFn: () => api('/jobs?type=render.video&limit=5', jobPageSchema),
  });
  return (
    <section aria-labelledby="recent-renders">
      <h2 id="recent-renders">Recent renders</h2>
      {renders.error && <p className="error small">{renders.error.message}</p>}
      {renders.data?.items.length === 0 && <p className="muted small">No renders yet.</p>}
      <ul className="plain">
        {renders.data?.items.map((j) => (
          <li key={j.id} className="row">
            <StatusBadge status={j.status} />
            <Link to="/projects/$projectId/$tab" params={{ projectId: j.projectId, tab: 'renders' }}>
              {names.get(j.projectId) ?? 'Project'}
            </Link>
            <span className="muted small">{formatTime(j.createdAt)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Clients whose own people I am one of (a client guest): their review pages, since none of their
 * projects appears among mine.
 */
function ClientReviews() {
  const clients = useClients('');
  const mine = clients.data?.pages.flatMap((p) => p.items).filter((c) => c.role === 'guest') ?? [];
  if (mine.length === 0) return null;
  return (
    <section aria-labelledby="client-reviews">
      <h2 id="client-reviews">Shared with you for review</h2>
      <ul className="grid">
        {mine.map((c) => (
          <li key={c.id} className="card project-card">
            <Link to="/clients/$clientId/$section" params={{ clientId: c.id, section: 'campaigns' }}>
              <strong>{c.name}</strong>
            </Link>
            <span className="muted small">
              {c.campaignCount} campaign{c.campaignCount === 1 ? '' : 's'} to review
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function DashboardPage() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const projects = useQuery({
    queryKey: ['projects'],
    queryFn: () => api('/projects?limit=50', projectPageSchema),
  });
  const [name, setName] = useState('');
  const [importing, setImporting] = useState(false);
  const importScript = async (file: File, projectName: string | undefined) => {
    const { project } = await createProjectFromScript(file, projectName);
    await qc.invalidateQueries({ queryKey: ['projects'] });
    await navigate({ to: '/projects/$projectId/$tab', params: { projectId: project.id, tab: 'script' } });
  };
  const create = useMutation({
    mutationFn: (n: string) => api('/projects', projectSchema, { method: 'POST', json: { name: n } }),
    onSuccess: async (p) => {
      await qc.invalidateQueries({ queryKey: ['projects'] });
      await navigate({ to: '/projects/$projectId/$tab', params: { projectId: p.id, tab: 'script' } });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) create.mutate(name.trim());
  };
  return (
    <section>
      <div className="row spread">
        <h1>Projects</h1>
        <form className="row" onSubmit={submit}>
          <label className="sr-only" htmlFor="new-project">
            New project name
          </label>
          <input
            id="new-project"
            placeholder="New project name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={200}
          />
          <button type="submit" disabled={create.isPending || !name.trim()}>
            Create project
          </button>
          <button type="button" className="ghost" onClick={() => setImporting(true)}>
            Import script
          </button>
        </form>
      </div>
      <ClientReviews />
      {importing && <ImportScriptDialog onConfirm={importScript} onClose={() => setImporting(false)} />}
      {create.error && (
        <p className="error" role="alert">
          {create.error instanceof ApiError ? create.error.message : 'Could not create the project.'}
        </p>
      )}
      {projects.isPending && <p className="muted">Loading projects…</p>}
      {projects.error && (
        <p className="error" role="alert">
          {projects.error.message}{' '}
          <button type="button" onClick={() => void projects.refetch()}>
            Retry
          </button>
        </p>
      )}
      {projects.data && projects.data.items.length === 0 && (
        <p className="muted">No projects yet. Create one to start writing.</p>
      )}
      <ul className="grid">
        {projects.data?.items.map((p) => (
          <li key={p.id} className="card project-card">
            <Link to="/projects/$projectId/$tab" params={{ projectId: p.id, tab: 'script' }}>
              <strong>{p.name}</strong>
            </Link>
            <span className="muted small">
              {p.role} · {p.settings.aspectRatio} · updated {new Date(p.updatedAt).toLocaleDateString()}
            </span>
          </li>
        ))}
      </ul>
      <RecentRenders names={new Map(projects.data?.items.map((p) => [p.id, p.name]) ?? [])} />
    </section>
  );
}
