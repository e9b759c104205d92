import { projectSchema } from '@clapboard/shared/api';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useParams } from '@tanstack/react-router';
import { useEffect, useMemo, useState } from 'react';
import { NotFound } from '../components/not-found';
import { ApiError, api } from '../lib/api-client';
import { openProjectConnection, type ProjectConnection } from '../lib/project-connection';
import { ProjectContext } from '../lib/project-context';
import { type EventSource, listenToProjectEvents, staleQueries } from '../lib/project-events';
import { openProjectSocket, type ProjectSocket } from '../lib/project-socket';
import { useSession } from '../lib/session';
import { useToasts } from '../lib/toasts';
import { userColor } from '../lib/user-color';
import { WORKSPACE_TABS } from '../router';

const LABELS: Record<(typeof WORKSPACE_TABS)[number], string> = {
  brief: 'Brief',
  script: 'Script',
  storyboard: 'Storyboard',
  review: 'Review',
  renders: 'Renders',
  variants: 'Variants',
  deliverables: 'Deliverables',
  lessons: 'Lessons',
  lectures: 'Lectures',
  assets: 'Assets',
  settings: 'Settings',
};

/**
 * One document connection and one event socket per open project, shared by every tab; opened once
 * the project has loaded (`open`), so a person the workspace is not open to (a client guest who
 * typed its address) is never sent asking for realtime tickets they would be refused.
 */
function useProjectChannels(projectId: string, userId: string, name: string, open: boolean) {
  const [channels, setChannels] = useState<{ connection: ProjectConnection; socket: ProjectSocket } | null>(
    null,
  );
  useEffect(() => {
    if (!open) return;
    const connection = openProjectConnection(projectId, `clapboard:${userId}:${projectId}`);
    const color = userColor(userId);
    connection.provider.awareness.setLocalStateField('user', {
      id: userId,
      name,
      color,
      colorLight: `${color}33`,
    });
    const socket = openProjectSocket(projectId);
    setChannels({ connection, socket });
    return () => {
      socket.close();
      connection.destroy();
      setChannels(null);
    };
  }, [projectId, userId, name, open]);
  return channels;
}

/**
 * Project events keep the cache fresh (each type says which queries it makes stale, see
 * lib/project-events; jobs created or updated elsewhere refresh the job lists) and background ones
 * become toasts (budget warnings).
 */
function useProjectEvents(socket: ProjectSocket | undefined) {
  const toasts = useToasts();
  const qc = useQueryClient();
  useEffect(() => {
    if (!socket) return;
    const stop = listenToProjectEvents(socket as unknown as EventSource, (event) => {
      for (const queryKey of staleQueries(event)) void qc.invalidateQueries({ queryKey });
      if (event.type === 'budget:warning') toasts.push('warning', 'This project has passed its soft budget.');
    });
    return stop;
  }, [socket, toasts, qc]);
}

/** The project workspace: title, role and the tab bar; the active tab renders below. */
export function WorkspaceLayout() {
  const { projectId } = useParams({ strict: false }) as { projectId: string };
  const { user } = useSession();
  const project = useQuery({
    queryKey: ['project', projectId],
    queryFn: () => api(`/projects/${projectId}`, projectSchema),
  });
  const channels = useProjectChannels(projectId, user!.id, user!.name, project.data !== undefined);
  useProjectEvents(channels?.socket);
  const value = useMemo(
    () => (channels ? { projectId, project: project.data, ...channels } : null),
    [channels, projectId, project.data],
  );
  if (project.error instanceof ApiError && (project.error.status === 404 || project.error.status === 400))
    return <NotFound />;
  // A client guest holds a role on shared projects but no workspace: their review is on the campaign page.
  if (project.error instanceof ApiError && project.error.status === 403)
    return (
      <div className="center">
        <h1>This project's workspace is not open to you</h1>
        <p className="muted">{project.error.message}</p>
        <p>
          If the project was shared with you for review, open it from its campaign under{' '}
          <Link to="/clients">Clients</Link>.
        </p>
      </div>
    );
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
      {value ? (
        <ProjectContext.Provider value={value}>
          <Outlet />
        </ProjectContext.Provider>
      ) : (
        <p className="muted">Opening the project…</p>
      )}
    </section>
  );
}
