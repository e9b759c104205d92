import { jobDetailSchema } from '@clapboard/shared/jobs';
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api-client';

/** A job with its steps (`GET /jobs/:id`), re-read every 2 s while it runs; null id: nothing. */
export function useJobDetail(jobId: string | null) {
  return useQuery({
    queryKey: ['job', jobId, 'detail'],
    queryFn: () => api(`/jobs/${jobId}`, jobDetailSchema),
    enabled: !!jobId,
    refetchInterval: (q) => {
      const s = q.state.data?.status;
      return s === 'queued' || s === 'running' ? 2000 : false;
    },
  });
}
