import { useQuery } from '@tanstack/react-query';
import { findShareRoutes, openApiDocSchema } from './share-routes';

/** This server's share routes (from `/api/openapi.json`, read once per session), or null. */
export function useShareRoutes() {
  return useQuery({
    queryKey: ['openapi', 'share-routes'],
    queryFn: async () => {
      const res = await fetch('/api/openapi.json', { credentials: 'same-origin' });
      if (!res.ok) throw new Error(`The API description could not be read (${res.status}).`);
      const doc = openApiDocSchema.safeParse(await res.json().catch(() => null));
      if (!doc.success) throw new Error('The API description could not be read (not an OpenAPI document).');
      return findShareRoutes(doc.data.paths ?? {});
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}
