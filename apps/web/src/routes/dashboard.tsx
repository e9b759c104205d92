import type { Project } from '@clapboard/shared/api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../lib/api-client';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function DashboardPage() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const projects = useQuery({
    queryKey: ['projects'],
    queryFn: () => api<Page<Project>>('/projects?limit=50'),
  });
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: (n: string) => api<Project>('/projects', { method: 'POST', json: { name: n } }),
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
        </form>
      </div>
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
    </section>
  );
}
