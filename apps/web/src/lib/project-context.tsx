import type { Project } from '@clapboard/shared/api';
import { can, type Permission } from '@clapboard/shared/permissions';
import type { Role } from '@clapboard/shared/roles';
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ProjectConnection, ProjectConnectionState } from './project-connection';
import type { ProjectSocket } from './project-socket';

export interface ProjectContextValue {
  projectId: string;
  project: Project | undefined;
  connection: ProjectConnection;
  /** Socket.IO connection for job progress and project events. */
  socket: ProjectSocket;
}

export const ProjectContext = createContext<ProjectContextValue | null>(null);

/** The open project's document connection and API record; only inside the workspace. */
export function useProject(): ProjectContextValue {
  const v = useContext(ProjectContext);
  if (!v) throw new Error('useProject outside the project workspace');
  return v;
}

/** Live connection state (status, role, synced) of the open project's document. */
export function useConnectionState(): ProjectConnectionState {
  const { connection } = useProject();
  return useSyncExternalStore(connection.subscribe, connection.getState);
}

/**
 * The caller's role: the ticket's (freshest, it follows role changes) or else the project record's.
 */
export function useRole(): Role | null {
  const { project } = useProject();
  const { role } = useConnectionState();
  return role ?? project?.role ?? null;
}

/** Whether the caller's role allows `permission` (the server checks again). */
export function useCan(permission: Permission): boolean {
  return can(useRole(), permission);
}
