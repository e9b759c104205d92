import type { Job } from '@clapboard/shared/jobs';
import type { ReactNode } from 'react';
import { useProject } from '../lib/project-context';
import { useJobWatch } from '../lib/use-job-watch';
import { JobProgress } from './job-progress';

/** A job followed live: the progress bar (with ETA), then `children(job)` for what it made. */
export function LiveJob(props: {
  job: Job;
  label: string;
  onFinished?: (job: Job) => void;
  children?: (job: Job) => ReactNode;
}) {
  const { socket } = useProject();
  const watched = useJobWatch(socket, props.job, props.onFinished);
  return (
    <div className="live-job" data-job-id={watched.job.id} data-status={watched.job.status}>
      <JobProgress watched={watched} label={props.label} />
      {props.children?.(watched.job)}
    </div>
  );
}
