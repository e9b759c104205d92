import {
  layoutResultSchema,
  lectureClipsResponseSchema,
  rankedCandidatesResponseSchema,
  transcriptSchema,
} from '@clapboard/shared/highlights';
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { ApiError, api } from '../lib/api-client';

/** Query keys of a lecture's results; invalidate the prefix when a job of it finishes. */
export const lectureResultsKey = (lectureId: string) => ['lecture-results', lectureId] as const;

/** A result, or null while the lecture has no completed analysis (the API's 404). */
async function resultOrNull<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S> | null> {
  try {
    return await api(path, schema);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

/** The lecture's transcript (word timings), layout and candidates of its newest completed analysis. */
export function useLectureResults(lectureId: string) {
  const key = lectureResultsKey(lectureId);
  const transcript = useQuery({
    queryKey: [...key, 'transcript'],
    queryFn: () => resultOrNull(`/lectures/${lectureId}/transcript`, transcriptSchema),
  });
  const layout = useQuery({
    queryKey: [...key, 'layout'],
    queryFn: () => resultOrNull(`/lectures/${lectureId}/layout`, layoutResultSchema),
  });
  // The API ranks too; the page re-ranks with the live weights, so only the candidates are used.
  const candidates = useQuery({
    queryKey: [...key, 'candidates'],
    queryFn: () => resultOrNull(`/lectures/${lectureId}/candidates`, rankedCandidatesResponseSchema),
  });
  const clips = useQuery({
    queryKey: [...key, 'clips'],
    queryFn: () => api(`/lectures/${lectureId}/clips`, lectureClipsResponseSchema),
  });
  return { transcript, layout, candidates, clips };
}
