import type {
  LayoutResult,
  LectureClipsResponse,
  RankedCandidatesResponse,
  Transcript,
} from '@clapboard/shared/highlights';
import { useQuery } from '@tanstack/react-query';
import { ApiError, api } from '../lib/api-client';

/** Query keys of a lecture's results; invalidate the prefix when a job of it finishes. */
export const lectureResultsKey = (lectureId: string) => ['lecture-results', lectureId] as const;

/** A result, or null while the lecture has no completed analysis (the API's 404). */
async function resultOrNull<T>(path: string): Promise<T | null> {
  try {
    return await api<T>(path);
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
    queryFn: () => resultOrNull<Transcript>(`/lectures/${lectureId}/transcript`),
  });
  const layout = useQuery({
    queryKey: [...key, 'layout'],
    queryFn: () => resultOrNull<LayoutResult>(`/lectures/${lectureId}/layout`),
  });
  // The API ranks too; the page re-ranks with the live weights, so only the candidates are used.
  const candidates = useQuery({
    queryKey: [...key, 'candidates'],
    queryFn: () => resultOrNull<RankedCandidatesResponse>(`/lectures/${lectureId}/candidates`),
  });
  const clips = useQuery({
    queryKey: [...key, 'clips'],
    queryFn: () => api<LectureClipsResponse>(`/lectures/${lectureId}/clips`),
  });
  return { transcript, layout, candidates, clips };
}
