import type { JobTypeInfo } from '@clapboard/shared/jobs';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { Availability } from '../lib/job-types';
import { JOB_TYPES_QUERY_KEY, useJobTypes } from '../lib/use-job-types';

/** The job types of the lecture studio (they join the catalog with their pipelines). */
export type LectureJobType = 'highlights.extract' | 'highlights.clips';

const WHAT: Record<LectureJobType, string> = {
  'highlights.extract': 'lecture analysis',
  'highlights.clips': 'clip rendering',
};

/**
 * Whether a lecture job can start now, by `GET /job-types`. Unlike `availabilityOf`, a type the
 * server does not list at all is unavailable with its reason (this deployment has no such
 * pipeline), so the button is offered only when a worker runs it.
 */
export function lectureJobAvailability(
  items: readonly JobTypeInfo[] | undefined,
  type: LectureJobType,
): Availability {
  if (!items) return { state: 'unknown' };
  const info = items.find((i) => (i.type as string) === type);
  if (!info)
    return {
      state: 'unavailable',
      reason: `This server has no ${WHAT[type]} pipeline (${type}); ask whoever runs it to deploy a worker with it.`,
    };
  if (info.available) return { state: 'available' };
  return { state: 'unavailable', reason: info.reason ?? `No worker runs ${WHAT[type]} now.` };
}

/** One lecture job type's entry (its steps' work models), availability, and a way to ask again. */
export function useLectureJobType(type: LectureJobType) {
  const qc = useQueryClient();
  const types = useJobTypes();
  const recheck = useCallback(() => void qc.invalidateQueries({ queryKey: JOB_TYPES_QUERY_KEY }), [qc]);
  return {
    info: types.data?.find((i) => (i.type as string) === type),
    availability: lectureJobAvailability(types.data, type),
    recheck,
    checking: types.isFetching,
  };
}
