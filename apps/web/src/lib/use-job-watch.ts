import { jobWatchAckSchema } from '@clapboard/shared/events';
import {
  type Job,
  type JobFinished,
  type JobProgress,
  jobFinishedSchema,
  jobProgressSchema,
} from '@clapboard/shared/jobs';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { applyFinished, applyProgress, initialWatch, takeRecord, type WatchedJob } from './job-watch-state';
import type { ProjectSocket } from './project-socket';
import { JOB_TYPES_QUERY_KEY } from './use-job-types';

export type { WatchedJob } from './job-watch-state';

/**
 * Follows one job live over Socket.IO: emits `job:watch` (on every connect, since rooms do not
 * survive a reconnect) and takes the ack's job as the current state, then applies `job:progress`
 * and `job:finished` as they come (see job-watch-state.ts for what is taken when). Finishing
 * invalidates the job lists so other views, and this one's costs, catch up, and the job types so
 * estimates use the work just measured.
 *
 * @param initial the job record from the page; a newer one (after a refetch, retry or cancel) is
 *   taken when it changes
 * @param onFinished called once when the job reaches a terminal status while watched
 */
export function useJobWatch(
  socket: ProjectSocket,
  initial: Job,
  onFinished?: (job: Job) => void,
): WatchedJob {
  const qc = useQueryClient();
  const [state, setState] = useState<WatchedJob>(() => initialWatch(initial));
  const latest = useRef(state);
  const finished = useRef(onFinished);
  finished.current = onFinished;
  latest.current = state;
  const jobId = initial.id;
  const terminal =
    initial.status === 'completed' || initial.status === 'failed' || initial.status === 'cancelled';

  // A refetch (costs after a finish), a retry or a cancel from this page brings a newer record.
  useEffect(() => {
    setState((s) => takeRecord(s, initial));
  }, [initial]);

  useEffect(() => {
    if (terminal) return;
    const watch = () =>
      socket.emit('job:watch', { type: 'job:watch', jobId }, (raw) => {
        // Parsed like every event: a malformed acknowledgement changes nothing.
        const res = jobWatchAckSchema.safeParse(raw);
        if (res.success && res.data.ok) {
          const job = res.data.job;
          setState((s) => takeRecord(s, job));
        }
      });
    const onProgress = (raw: JobProgress) => {
      const p = jobProgressSchema.safeParse(raw);
      if (p.success && p.data.jobId === jobId) setState((s) => applyProgress(s, p.data));
    };
    const onFinished_ = (raw: JobFinished) => {
      const parsed = jobFinishedSchema.safeParse(raw);
      if (!parsed.success || parsed.data.jobId !== jobId) return;
      const f = parsed.data;
      const next = applyFinished(latest.current, f);
      setState((s) => applyFinished(s, f));
      finished.current?.(next.job);
      void qc.invalidateQueries({ queryKey: ['jobs'] });
      void qc.invalidateQueries({ queryKey: ['job', jobId] });
      // Its steps' timings are this deployment's measured work now (the API caches fits ~10 s).
      void qc.invalidateQueries({ queryKey: JOB_TYPES_QUERY_KEY });
    };
    socket.on('connect', watch);
    socket.on('job:progress', onProgress);
    socket.on('job:finished', onFinished_);
    if (socket.connected) watch();
    return () => {
      socket.off('connect', watch);
      socket.off('job:progress', onProgress);
      socket.off('job:finished', onFinished_);
      socket.emit('job:unwatch', { type: 'job:unwatch', jobId });
    };
  }, [socket, jobId, terminal, qc]);
  return state;
}
