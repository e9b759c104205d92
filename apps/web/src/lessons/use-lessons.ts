import { lessonPageSchema } from '@clapboard/shared/lessons';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../lib/api-client';
import type { ProjectSocket } from '../lib/project-socket';

export const lessonsKey = (projectId: string) => ['lessons', projectId] as const;

/**
 * The project's lessons, newest first, 50 a page; refetched when any member creates, renames or
 * deletes one (`lesson:*` on the project room, see lib/project-events), so every open studio follows.
 */
export function useLessons(projectId: string, socket: ProjectSocket) {
  const qc = useQueryClient();
  useEffect(() => {
    const refresh = () => void qc.invalidateQueries({ queryKey: lessonsKey(projectId) });
    // Events sent while disconnected are lost: read the list again on every reconnect.
    socket.on('connect', refresh);
    return () => {
      socket.off('connect', refresh);
    };
  }, [socket, projectId, qc]);
  return useInfiniteQuery({
    queryKey: lessonsKey(projectId),
    queryFn: ({ pageParam }) =>
      api(
        `/projects/${projectId}/lessons?limit=50${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
        lessonPageSchema,
      ),
    initialPageParam: '' as string,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
