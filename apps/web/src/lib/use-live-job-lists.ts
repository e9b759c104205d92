import type { QueryKey } from '@tanstack/react-query';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { followJobLists } from './live-job-lists';
import { openProjectSocket, type ProjectSocket } from './project-socket';

/** The most project rooms one page joins (the projects list's first page is 50). */
export const MAX_WATCHED_PROJECTS = 100;

/**
 * Follows job lists that span projects (the jobs page) live over one Socket.IO connection: it
 * joins `project:<id>` for each of `projectIds` (the server checks membership for every join, and
 * rejoins on every connect since rooms do not survive a reconnect), and `followJobLists` keeps the
 * cached lists under `listKey` current. No polling.
 */
export function useLiveJobLists(projectIds: readonly string[], listKey: QueryKey): void {
  const qc = useQueryClient();
  const [socket, setSocket] = useState<ProjectSocket | null>(null);
  const ids = [...new Set(projectIds)].slice(0, MAX_WATCHED_PROJECTS);
  const idsKey = ids.join(',');
  const latest = useRef(ids);
  latest.current = ids;
  const keyRef = useRef(listKey);
  keyRef.current = listKey;
  const hasAny = ids.length > 0;

  // One socket for the page; its ticket names any project of mine (tickets are per project, rooms are not).
  useEffect(() => {
    if (!hasAny) return;
    const s = openProjectSocket(latest.current[0]!);
    setSocket(s);
    return () => {
      s.close();
      setSocket(null);
    };
  }, [hasAny]);

  useEffect(() => {
    if (!socket) return;
    const join = () => {
      for (const projectId of idsKey.split(','))
        socket.emit('project:watch', { type: 'project:watch', projectId }, () => {});
    };
    socket.on('connect', join);
    if (socket.connected) join();
    return () => {
      socket.off('connect', join);
    };
  }, [socket, idsKey]); // a project that appears later (more jobs, a new project) is joined too

  useEffect(() => {
    if (!socket) return;
    return followJobLists(socket as unknown as Parameters<typeof followJobLists>[0], qc, keyRef.current);
  }, [socket, qc]);
}
