import { jobDetailSchema, jobFinishedSchema, jobProgressSchema } from '@clapboard/shared/jobs';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { z } from 'zod';
import { api } from '../lib/api-client';
import { followEvents, type LiveSocket } from '../lib/project-events';
import type { ProjectSocket } from '../lib/project-socket';

export type JobDetail = z.infer<typeof jobDetailSchema>;

export const jobDetailKey = (jobId: string | null) => ['job', jobId, 'detail'] as const;

/**
 * A job with its steps (`GET /jobs/:id`; null id: nothing), kept current by the project room's
 * events instead of polling: it is read again when a progress event names a step other than the
 * one last seen (a step started, so the one before it ended), when the job finishes, and on a
 * reconnect (events sent while away are lost). The live percentages come from `useJobWatch`.
 */
export function useJobDetail(jobId: string | null, socket: ProjectSocket) {
  const qc = useQueryClient();
  useEffect(() => {
    if (!jobId) return;
    let lastStep: string | undefined;
    const refetch = () => void qc.invalidateQueries({ queryKey: jobDetailKey(jobId) });
    const onProgress = (raw: unknown) => {
      const p = jobProgressSchema.safeParse(raw);
      if (!p.success || p.data.jobId !== jobId || !p.data.step || p.data.step === lastStep) return;
      const first = lastStep === undefined;
      lastStep = p.data.step;
      // The first event only tells us where the job is; the fetched record already says so.
      if (!first) refetch();
    };
    const onFinished = (raw: unknown) => {
      const f = jobFinishedSchema.safeParse(raw);
      if (f.success && f.data.jobId === jobId) refetch();
    };
    // Listeners parse what arrives themselves, so the socket is taken as an untyped event source.
    return followEvents(
      socket as unknown as LiveSocket,
      { 'job:progress': onProgress, 'job:finished': onFinished },
      refetch,
    );
  }, [socket, jobId, qc]);
  return useQuery({
    queryKey: jobDetailKey(jobId),
    queryFn: () => api(`/jobs/${jobId}`, jobDetailSchema),
    enabled: !!jobId,
  });
}
