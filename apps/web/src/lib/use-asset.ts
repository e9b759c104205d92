import { assetSchema } from '@clapboard/shared/api';
import { useQuery } from '@tanstack/react-query';
import { api } from './api-client';

/**
 * One asset with its signed URLs (they expire, so the query refreshes well before: every 30 min
 * against the API's one-hour default).
 */
export function useAsset(assetId: string | null | undefined) {
  return useQuery({
    queryKey: ['asset', assetId],
    queryFn: () => api(`/assets/${assetId}`, assetSchema),
    enabled: !!assetId,
    staleTime: 30 * 60_000,
    refetchInterval: 30 * 60_000,
  });
}
