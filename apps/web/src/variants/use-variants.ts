import { variantCommentListSchema, variantPageSchema } from '@clapboard/shared/campaigns';
import { projectEventSchema } from '@clapboard/shared/events';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../lib/api-client';
import { staleQueries } from '../lib/project-events';
import { openVariantsSocket } from '../lib/project-socket';

/**
 * Cache keys of variants, under the project: `variant:changed` project events make the list and
 * that variant's own queries stale (lib/project-events).
 */
export const variantKeys = {
  list: (projectId: string) => ['variants', projectId, 'list'] as const,
  comments: (projectId: string, variantId: string) => ['variants', projectId, variantId, 'comments'] as const,
};

/**
 * A project's variants, newest first. People with the project open follow its events; a client
 * guest follows the project's variant events (`useVariantsLive`) and passes `refetchInterval` to
 * poll only while that is not connected.
 */
export function useVariants(projectId: string, refetchInterval?: number | false) {
  return useQuery({
    queryKey: variantKeys.list(projectId),
    queryFn: () => api(`/projects/${projectId}/variants?limit=100`, variantPageSchema),
    // While one renders, read again now and then as well: a render that ended between reading the
    // job list and watching it sends no event this page hears.
    refetchInterval: (q) =>
      refetchInterval ||
      (q.state.data?.items.some((v) => v.status === 'rendering') ? RENDERING_POLL_MS : false),
  });
}

/** How often the variants are read again while one renders. */
const RENDERING_POLL_MS = 5_000;

/** A variant's comments, oldest first (a guest gets only the client-visible ones). */
export function useVariantComments(projectId: string, variantId: string, refetchInterval?: number | false) {
  return useQuery({
    queryKey: variantKeys.comments(projectId, variantId),
    queryFn: () => api(`/variants/${variantId}/comments`, variantCommentListSchema),
    refetchInterval,
  });
}

/**
 * A client guest's live view of one shared project's variants: a `variants`-scoped socket whose
 * `variant:changed` events (decisions, renders, comments marked for the client) make the list and
 * that variant's comments stale. Returns whether it is live now (in the room); while it is not
 * (connecting, refused, the realtime server down), callers poll instead. Every (re)connect reads
 * the list again, since events sent while away are not replayed.
 */
export function useVariantsLive(projectId: string): boolean {
  const qc = useQueryClient();
  const [live, setLive] = useState(false);
  useEffect(() => {
    const socket = openVariantsSocket(projectId);
    socket.on('variants:ready', () => {
      setLive(true);
      void qc.invalidateQueries({ queryKey: ['variants', projectId] });
    });
    socket.on('disconnect', () => setLive(false));
    socket.on('variant:changed', (raw) => {
      const event = projectEventSchema.safeParse(raw);
      if (!event.success || event.data.projectId !== projectId) return;
      for (const queryKey of staleQueries(event.data)) void qc.invalidateQueries({ queryKey });
    });
    return () => {
      socket.close();
      setLive(false);
    };
  }, [projectId, qc]);
  return live;
}
