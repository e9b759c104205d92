import { type Job, jobDetailSchema } from '@clapboard/shared/jobs';
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api-client';

/**
 * What a finished render had to work around (a missing portrait drawn as a silhouette, a provider
 * that failed and the voice or music that stood in), from the job's detail: the list view carries
 * no warnings, and a person should not have to read the progress log to learn them.
 */
export function RenderWarnings({ job }: { job: Job }) {
  const detail = useQuery({
    queryKey: ['job', job.id, 'warnings', job.status],
    queryFn: () => api(`/jobs/${job.id}`, jobDetailSchema),
    enabled: job.status === 'completed' || job.status === 'failed',
    staleTime: 5 * 60_000,
  });
  const warnings = detail.data?.warnings ?? [];
  if (!warnings.length) return null;
  return (
    <ul className="render-warnings small" aria-label="Warnings">
      {warnings.map((w) => (
        <li key={w}>⚠ {w}</li>
      ))}
    </ul>
  );
}
