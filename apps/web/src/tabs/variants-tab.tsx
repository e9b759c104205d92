import { type Job, jobPageSchema } from '@clapboard/shared/jobs';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { LiveJob } from '../components/live-job';
import { api } from '../lib/api-client';
import { useCan, useProject, useRole } from '../lib/project-context';
import { useToasts } from '../lib/toasts';
import { useScenes } from '../storyboard/use-scenes';
import { useVariants, variantKeys } from '../variants/use-variants';
import { VariantCard } from '../variants/variant-card';
import { VariantMatrixForm } from '../variants/variant-matrix-form';

/** The project's `render.variants` jobs, newest first (the live ones show their progress). */
function useVariantJobs(projectId: string) {
  return useQuery({
    queryKey: ['jobs', projectId, 'render.variants'],
    queryFn: () => api(`/projects/${projectId}/jobs?type=render.variants&limit=10`, jobPageSchema),
  });
}

/**
 * The Variants tab: the preset matrix form (owners, editors), every live variant render with its
 * progress and ETA, and the project's variants as cards (player, decision, comments). A render's
 * end re-reads the variants, for everyone with the tab open (each watches the live jobs).
 */
export function VariantsTab() {
  const { projectId, connection } = useProject();
  const role = useRole();
  const qc = useQueryClient();
  const toasts = useToasts();
  const canRender = useCan('jobs:create');
  const sceneSec = useScenes(connection.doc)
    .filter((s) => !s.removed)
    .map((s) => s.durationSec);
  const jobs = useVariantJobs(projectId);
  const variants = useVariants(projectId);
  const live = (jobs.data?.items ?? []).filter((j) => j.status === 'queued' || j.status === 'running');
  const onFinished = (job: Job) => {
    void qc.invalidateQueries({ queryKey: variantKeys.list(projectId) });
    void qc.invalidateQueries({ queryKey: ['jobs', projectId] });
    if (job.status === 'completed') toasts.push('success', 'Variants rendered.');
    else if (job.status === 'failed')
      toasts.push('error', `The variants failed: ${job.error ?? 'unknown error'}`);
  };
  return (
    <div className="variants-tab">
      {canRender && (
        <VariantMatrixForm
          sceneSec={sceneSec}
          onStarted={() => void qc.invalidateQueries({ queryKey: ['jobs', projectId, 'render.variants'] })}
        />
      )}
      {live.length > 0 && (
        <section aria-label="Variant renders in progress" className="variant-jobs">
          {live.map((j) => (
            <LiveJob key={j.id} job={j} label="Variants" onFinished={onFinished} />
          ))}
        </section>
      )}
      <h2>Variants</h2>
      {variants.isPending && <p className="muted">Loading variants…</p>}
      {variants.error && (
        <p className="error" role="alert">
          {variants.error.message}{' '}
          <button type="button" onClick={() => void variants.refetch()}>
            Retry
          </button>
        </p>
      )}
      {variants.data?.items.length === 0 && (
        <p className="muted">
          No variants yet. Choose presets above to render the storyboard for each platform.
        </p>
      )}
      {role && (
        <ul className="variant-grid">
          {variants.data?.items.map((v) => (
            <VariantCard key={v.id} variant={v} role={role} />
          ))}
        </ul>
      )}
    </div>
  );
}
