import type { Job, JobProgress } from '@clapboard/shared/jobs';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { ProjectSocket } from './project-socket';

export interface WatchedJob {
  job: Job;
  /** Latest live progress (also kept in `job.progress`). */
  progress: JobProgress | null;
  /** Preview assets in the order they arrived. */
  previews: string[];
  /** The step names seen in progress events, with their latest percent. */
  steps: Record<string, number>;
}

/**
 * Follows one job live over Socket.IO: emits `job:watch` (on every connect, since rooms do not
 * survive a reconnect) and takes the ack's job as the current state, then applies `job:progress`
 * and `job:finished`. Finishing invalidates the job lists so other views catch up.
 *
 * @param onFinished called once when the job reaches a terminal status while watched
 */
export function useJobWatch(
  socket: ProjectSocket,
  initial: Job,
  onFinished?: (job: Job) => void,
): WatchedJob {
  const qc = useQueryClient();
  const [state, setState] = useState<WatchedJob>(() => ({
    job: initial,
    progress: initial.progress,
    previews: initial.progress?.previewAssetId ? [initial.progress.previewAssetId] : [],
    steps: {},
  }));
  const latest = useRef(state);
  const finished = useRef(onFinished);
  finished.current = onFinished;
  latest.current = state;
  const jobId = initial.id;
  const terminal =
    initial.status === 'completed' || initial.status === 'failed' || initial.status === 'cancelled';

  // A retry or cancel from this page changes the job record: take the newer one.
  useEffect(() => {
    setState((s) =>
      s.job.status !== initial.status || s.job.id !== initial.id ? { ...s, job: initial } : s,
    );
  }, [initial]);

  useEffect(() => {
    if (terminal) return;
    const watch = () =>
      socket.emit('job:watch', { jobId }, (res) => {
        if (res.ok) setState((s) => ({ ...s, job: res.job, progress: res.job.progress ?? s.progress }));
      });
    const onProgress = (p: JobProgress) => {
      if (p.jobId !== jobId) return;
      setState((s) => {
        // Parallel steps report on a shared scale; the bar only ever moves forward.
        const shown = Math.max(p.progress, s.progress?.progress ?? 0);
        const q = shown === p.progress ? p : { ...p, progress: shown };
        return {
          ...s,
          job: { ...s.job, status: s.job.status === 'queued' ? 'running' : s.job.status, progress: q },
          progress: q,
          previews:
            p.previewAssetId && !s.previews.includes(p.previewAssetId)
              ? [...s.previews, p.previewAssetId]
              : s.previews,
          steps: { ...s.steps, [p.step ?? p.stage]: p.stepProgress ?? p.progress },
        };
      });
    };
    const onFinished_ = (f: {
      jobId: string;
      status: Job['status'];
      error?: string;
      outputs: Job['outputs'];
    }) => {
      if (f.jobId !== jobId) return;
      const job = { ...latest.current.job, status: f.status, error: f.error ?? null, outputs: f.outputs };
      setState((s) => ({
        ...s,
        job: { ...s.job, status: f.status, error: f.error ?? null, outputs: f.outputs },
      }));
      finished.current?.(job);
      void qc.invalidateQueries({ queryKey: ['jobs'] });
      void qc.invalidateQueries({ queryKey: ['job', jobId] });
    };
    socket.on('connect', watch);
    socket.on('job:progress', onProgress);
    socket.on('job:finished', onFinished_);
    if (socket.connected) watch();
    return () => {
      socket.off('connect', watch);
      socket.off('job:progress', onProgress);
      socket.off('job:finished', onFinished_);
      socket.emit('job:unwatch', { jobId });
    };
  }, [socket, jobId, terminal, qc]);
  return state;
}
