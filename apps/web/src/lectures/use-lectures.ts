import { lecturePageSchema } from '@clapboard/shared/highlights';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../lib/api-client';
import type { ProjectSocket } from '../lib/project-socket';

export const lecturesKey = (projectId: string) => ['lectures', projectId] as const;

/**
 * The project's lectures, newest first, 50 a page; refetched when any member creates, renames or
 * deletes one (`lecture:*` on the project room) and when a job starts or ends (the lecture names
 * its newest analysis), so every open studio follows.
 */
export function useLectures(projectId: string, socket: ProjectSocket) {
  const qc = useQueryClient();
  useEffect(() => {
    const refresh = () => void qc.invalidateQueries({ queryKey: lecturesKey(projectId) });
    // lecture:* and job:created are handled once for the project (lib/project-events); a reconnect
    // (events sent while away are lost) reads the list again here.
    socket.on('connect', refresh);
    return () => {
      socket.off('connect', refresh);
    };
  }, [socket, projectId, qc]);
  return useInfiniteQuery({
    queryKey: lecturesKey(projectId),
    queryFn: ({ pageParam }) =>
      api(
        `/projects/${projectId}/lectures?limit=50${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
        lecturePageSchema,
      ),
    initialPageParam: '' as string,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
