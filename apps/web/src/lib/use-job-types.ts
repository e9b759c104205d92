import { type JobType, type JobTypeInfo, jobTypesResponseSchema } from '@clapboard/shared/jobs';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api } from './api-client';
import { type Availability, availabilityOf } from './job-types';

export const JOB_TYPES_QUERY_KEY = ['job-types'] as const;

/**
 * The job catalog as this deployment runs it (`GET /api/v1/job-types`, parsed with the shared
 * schema): which types some live worker runs and the measured work models. Refetched every 15 s,
 * so a worker started or stopped meanwhile shows up without a reload.
 */
export function useJobTypes() {
  return useQuery({
    queryKey: JOB_TYPES_QUERY_KEY,
    queryFn: async () => (await api('/job-types', jobTypesResponseSchema)).items,
    staleTime: 10_000,
    refetchInterval: 15_000,
  });
}

/** One job type's entry and availability, and `recheck` to ask again now (after a 503, on demand). */
export function useJobType(type: JobType): {
  info: JobTypeInfo | undefined;
  availability: Availability;
  recheck: () => void;
  checking: boolean;
} {
  const qc = useQueryClient();
  const types = useJobTypes();
  const recheck = useCallback(() => void qc.invalidateQueries({ queryKey: JOB_TYPES_QUERY_KEY }), [qc]);
  return {
    info: types.data?.find((i) => i.type === type),
    availability: availabilityOf(types.data, type),
    recheck,
    checking: types.isFetching,
  };
}
