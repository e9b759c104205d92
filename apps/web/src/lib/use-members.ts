import { memberListSchema } from '@clapboard/shared/api';
import { useQuery } from '@tanstack/react-query';
import { api } from './api-client';

/**
 * A project's members, cached under one key and one shape for every component that needs them
 * (Settings, mention autocomplete). Two shapes under the same key crashed the Settings tab.
 */
export function useMembers(projectId: string, options: { staleTime?: number } = {}) {
  return useQuery({
    queryKey: ['members', projectId],
    queryFn: () => api(`/projects/${projectId}/members`, memberListSchema),
    staleTime: options.staleTime,
  });
}
