import { jobPageSchema } from '@clapboard/shared/jobs';
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api-client';
import { useCan, useProject } from '../lib/project-context';
import { RenderForm } from '../renders/render-form';
import { RenderRow } from '../renders/render-row';
import { useScenes } from '../storyboard/use-scenes';

/** The Renders tab: start a render after seeing its cost, watch renders live, play finished ones. */
export function RendersTab() {
  const { projectId, connection } = useProject();
  const canRender = useCan('jobs:create');
  const scenes = useScenes(connection.doc).filter((s) => !s.removed);
  const jobs = useQuery({
    queryKey: ['jobs', projectId, 'render.video'],
    queryFn: () => api(`/projects/${projectId}/jobs?type=render.video&limit=20`, jobPageSchema),
  });
  return (
    <div className="renders">
      {canRender && <RenderForm sceneSec={scenes.map((s) => s.durationSec)} />}
      <h2>Renders</h2>
      {jobs.isPending && <p className="muted">Loading renders…</p>}
      {jobs.error && (
        <p className="error" role="alert">
          {jobs.error.message}{' '}
          <button type="button" onClick={() => void jobs.refetch()}>
            Retry
          </button>
        </p>
      )}
      {jobs.data?.items.length === 0 && <p className="muted">No renders yet.</p>}
      <ul className="render-list">
        {jobs.data?.items.map((j) => (
          <RenderRow key={j.id} job={j} />
        ))}
      </ul>
    </div>
  );
}
