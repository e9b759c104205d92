import { type Job, jobDetailSchema, submittedJobSchema } from '@clapboard/shared/jobs';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { LiveJob } from '../components/live-job';
import { api } from '../lib/api-client';

/**
 * Starts a job of a type this build may not know yet (`portrait.lesson`, `export.lms` land with
 * their pipelines); the server parses the params with the shared schemas and answers 503
 * `capability_missing` when no worker runs the type.
 */
export function submitLessonJob(projectId: string, type: string, params: Record<string, unknown>) {
  return api(`/projects/${projectId}/jobs`, submittedJobSchema, { method: 'POST', json: { type, params } });
}

/** One job by id (refetched when it finishes elsewhere; live updates come from useJobWatch). */
export function useJob(jobId: string | null) {
  return useQuery({
    queryKey: ['job', jobId],
    queryFn: () => api(`/jobs/${jobId}`, jobDetailSchema),
    enabled: !!jobId,
  });
}

/** A job named in the lesson (by id), loaded and followed live; nothing while there is none. */
export function LessonJob(props: {
  jobId: string | null;
  label: string;
  children?: (job: Job) => ReactNode;
}) {
  const job = useJob(props.jobId);
  if (!props.jobId) return null;
  if (job.isPending) return <p className="muted small">Loading the job…</p>;
  if (job.error) return <p className="error small">{job.error.message}</p>;
  return (
    <LiveJob key={job.data.id} job={job.data} label={props.label}>
      {props.children}
    </LiveJob>
  );
}
