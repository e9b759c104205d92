import type { Consent } from '@clapboard/shared/lessons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../lib/api-client';
import type { Page } from '../lib/page';
import type { ProjectSocket } from '../lib/project-socket';

export const consentsKey = (projectId: string) => ['consents', projectId] as const;

/**
 * The project's consent records (newest 100, revoked ones included), refetched when anyone records
 * or revokes one (`consent:changed`), so a revoke blocks rendering in every open studio at once.
 */
export function useConsents(projectId: string, socket: ProjectSocket) {
  const qc = useQueryClient();
  useEffect(() => {
    const refresh = () => void qc.invalidateQueries({ queryKey: consentsKey(projectId) });
    socket.on('consent:changed', refresh);
    socket.on('connect', refresh);
    return () => {
      socket.off('consent:changed', refresh);
      socket.off('connect', refresh);
    };
  }, [socket, projectId, qc]);
  return useQuery({
    queryKey: consentsKey(projectId),
    queryFn: async () => (await api<Page<Consent>>(`/projects/${projectId}/consents?limit=100`)).items,
  });
}
