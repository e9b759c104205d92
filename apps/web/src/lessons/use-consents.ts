import { type Consent, consentPageSchema, consentSchema } from '@clapboard/shared/lessons';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ApiError, api } from '../lib/api-client';
import type { ProjectSocket } from '../lib/project-socket';

export const consentsKey = (projectId: string) => ['consents', projectId] as const;

/**
 * The project's consent records (the newest 100, revoked ones included) plus each of `needed` (the
 * consents a lesson names) that is older than those, read one by one; refetched when anyone records
 * or revokes one (`consent:changed`), so a revoke blocks rendering in every open studio at once.
 * `data` is undefined while any of it is loading; a named consent that no longer exists is absent.
 */
export function useConsents(
  projectId: string,
  socket: ProjectSocket,
  needed: ReadonlyArray<string | null> = [],
): { data: Consent[] | undefined; isPending: boolean } {
  const qc = useQueryClient();
  useEffect(() => {
    const refresh = () => void qc.invalidateQueries({ queryKey: consentsKey(projectId) });
    socket.on('connect', refresh);
    return () => {
      socket.off('connect', refresh);
    };
  }, [socket, projectId, qc]);
  const recent = useQuery({
    queryKey: consentsKey(projectId),
    queryFn: async () => (await api(`/projects/${projectId}/consents?limit=100`, consentPageSchema)).items,
  });
  const missing = recent.data
    ? needed.filter((id): id is string => !!id && !recent.data.some((c) => c.id === id))
    : [];
  const older = useQueries({
    queries: missing.map((id) => ({
      // Under the list's key, so the same events refresh it.
      queryKey: [...consentsKey(projectId), id],
      queryFn: () =>
        api(`/consents/${id}`, consentSchema).catch((err: unknown) => {
          if (err instanceof ApiError && err.status === 404) return null;
          throw err;
        }),
    })),
  });
  const pending = recent.isPending || older.some((q) => q.isPending);
  return {
    data: pending ? undefined : [...(recent.data ?? []), ...older.flatMap((q) => (q.data ? [q.data] : []))],
    isPending: pending,
  };
}
