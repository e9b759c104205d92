import { useQuery } from '@tanstack/react-query';
import { findShareRoutes } from './share-routes';

/** This server's share routes (from `/api/openapi.json`, read once per session), or null. */
export function useShareRoutes() {
  return useQuery({
    queryKey: ['openapi', 'share-routes'],
    queryFn: async () => {
      const res = await fetch('/api/openapi.json', { credentials: 'same-origin' });
      if (!res.ok) throw new Error(`The API description could not be read (${res.status}).`);
      const doc = (await res.json()) as { paths?: Record<string, Record<string, unknown>> };
      return findShareRoutes(doc.paths ?? {});
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}
