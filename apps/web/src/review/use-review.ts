import { observeScenes } from '@clapboard/screenplay';
import { DOC_KEYS } from '@clapboard/shared/document';
import { commentListSchema, reviewSummarySchema } from '@clapboard/shared/review';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../lib/api-client';
import { useProject } from '../lib/project-context';

/**
 * The project's comments (all anchors, oldest first), refetched whenever a `comment:*` event
 * arrives on the project room, so every open tab shows new, edited and deleted comments live.
 */
export function useComments() {
  const { projectId } = useProject();
  return useQuery({
    queryKey: ['comments', projectId],
    queryFn: () => api(`/projects/${projectId}/comments`, commentListSchema).then((r) => r.items),
  });
}

/**
 * The review summary. Staleness is computed by the server from the stored document, so it is
 * refetched when the server says a decision changed (`approval:changed`), when comments change
 * (counts), and shortly after the live document changes (the edit is stored within milliseconds;
 * the delay lets it land before we ask).
 */
export function useReviewSummary() {
  const { projectId, connection } = useProject();
  const qc = useQueryClient();
  useEffect(() => {
    const refetch = () => void qc.invalidateQueries({ queryKey: ['review', projectId] });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(refetch, 700);
    };
    const script = connection.doc.getText(DOC_KEYS.script);
    const stopScenes = observeScenes(connection.doc, soon);
    script.observe(soon);
    return () => {
      clearTimeout(timer);
      stopScenes();
      script.unobserve(soon);
    };
  }, [projectId, qc, connection]);
  return useQuery({
    queryKey: ['review', projectId],
    queryFn: () => api(`/projects/${projectId}/review`, reviewSummarySchema),
  });
}
