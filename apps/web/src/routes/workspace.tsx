import type { Project } from '@clapboard/shared/api';
import { useQuery } from '@tanstack/react-query';
import { Link, Outlet, useParams } from '@tanstack/react-router';
import { NotFound } from '../components/not-found';
import { ApiError, api } from '../lib/api-client';
import { WORKSPACE_TABS } from '../router';

const LABELS: Record<(typeof WORKSPACE_TABS)[number], string> = {
  script: 'Script',
  storyboard: 'Storyboard',
  review: 'Review',
  renders: 'Renders',
  assets: 'Assets',
  settings: 'Settings',
};

/** The project workspace: title, role and the tab bar; the active tab renders below. */
export function WorkspaceLayout() {
  const { projectId } = useParams({ strict: false }) as { projectId: string };
  const project = useQuery({
    queryKey: ['project', projectId],
    queryFn: () => api<Project>(`/projects/${projectId}`),
  });
  if (project.error instanceof ApiError && project.error.status === 404) return <NotFound />;
  return (
    <section className="workspace">
      <div className="row spread">
        <h1>{project.data?.name ?? 'Loading…'}</h1>
        {project.data && <span className="badge">{project.data.role}</span>}
      </div>
      <nav className="tabs" aria-label="Project sections">
        {WORKSPACE_TABS.map((tab) => (
          <Link
            key={tab}
            to="/projects/$projectId/$tab"
            params={{ projectId, tab }}
            activeProps={{ 'aria-current': 'page', className: 'active' }}
          >
            {LABELS[tab]}
          </Link>
        ))}
      </nav>
      <Outlet />
    </section>
  );
}
