import { ASPECT_RATIOS, RESOLUTIONS } from '@clapboard/shared/document';
import { estimatePlan, planJob } from '@clapboard/shared/job-plan';
import type { BudgetFigures } from '@clapboard/shared/jobs';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../lib/api-client';
import { formatUsd } from '../lib/format';
import { useProject } from '../lib/project-context';
import { budgetFiguresOf, submitJob } from '../lib/submit-job';
import { useToasts } from '../lib/toasts';

export interface Budget {
  softLimitUsd: number | null;
  hardLimitUsd: number | null;
  spentUsd: number;
  reservedUsd: number;
  remainingUsd: number | null;
}

/** GET /projects/:id/budget. */
export function useBudget(projectId: string) {
  return useQuery({
    queryKey: ['budget', projectId],
    queryFn: () => api<Budget>(`/projects/${projectId}/budget`),
  });
}

/** The figures of a refused (402) or warned (soft limit) submission. */
function Figures({ f }: { f: BudgetFigures }) {
  return (
    <dl className="kv small">
      <dt>This render</dt>
      <dd>{formatUsd(f.estimateUsd)}</dd>
      <dt>Spent</dt>
      <dd>{formatUsd(f.spentUsd)}</dd>
      <dt>Reserved by running jobs</dt>
      <dd>{formatUsd(f.reservedUsd)}</dd>
      <dt>Hard limit</dt>
      <dd>{formatUsd(f.hardLimitUsd)}</dd>
      <dt>Remaining</dt>
      <dd>{formatUsd(f.remainingUsd)}</dd>
    </dl>
  );
}

/**
 * Render settings (resolution, aspect, burned-in subtitles) with the cost estimate and the budget
 * shown before anything is spent. A 402 shows the API's figures and says what to do.
 */
export function RenderForm({ sceneCount }: { sceneCount: number }) {
  const { projectId, project } = useProject();
  const qc = useQueryClient();
  const toasts = useToasts();
  const budget = useBudget(projectId);
  const [resolution, setResolution] = useState<string>(project?.settings.resolution ?? '720p');
  const [aspect, setAspect] = useState<string>(project?.settings.aspectRatio ?? '16:9');
  const [burn, setBurn] = useState(false);
  // The job service's own plan and estimate (shared with the API), at a 4 s shot per scene.
  const estimate = estimatePlan(
    'render.video',
    planJob('render.video', {}, { sceneSec: Array.from({ length: Math.max(1, sceneCount) }, () => 4) }),
  );
  const start = useMutation({
    mutationFn: () =>
      submitJob(projectId, 'render.video', {
        preset: { resolution, aspectRatio: aspect, burnSubtitles: burn },
      }),
    onSuccess: (res) => {
      for (const w of res.warnings) toasts.push('warning', w);
      toasts.push('info', `Render queued (estimate ${formatUsd(res.budget.estimateUsd)}).`);
      void qc.invalidateQueries({ queryKey: ['jobs', projectId] });
      void qc.invalidateQueries({ queryKey: ['budget', projectId] });
    },
  });
  const refused =
    start.error instanceof ApiError && start.error.status === 402
      ? budgetFiguresOf(start.error.details)
      : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start.mutate();
  };
  const b = budget.data;
  const over = b?.hardLimitUsd != null && b.spentUsd + b.reservedUsd + estimate.usd > b.hardLimitUsd;
  return (
    <form className="card render-form" onSubmit={submit} aria-labelledby="render-form-title">
      <h2 id="render-form-title">New render</h2>
      <div className="form-grid">
        <label htmlFor="render-resolution">
          Resolution
          <select id="render-resolution" value={resolution} onChange={(e) => setResolution(e.target.value)}>
            {RESOLUTIONS.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label htmlFor="render-aspect">
          Aspect ratio
          <select id="render-aspect" value={aspect} onChange={(e) => setAspect(e.target.value)}>
            {ASPECT_RATIOS.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label className="row inline">
          <input type="checkbox" checked={burn} onChange={(e) => setBurn(e.target.checked)} /> Burn in
          subtitles
        </label>
      </div>
      <p className="small" data-testid="render-estimate">
        Estimated cost <strong>{formatUsd(estimate.usd)}</strong> for {Math.max(1, sceneCount)} scene
        {sceneCount === 1 ? '' : 's'} (about {Math.round(estimate.seconds)} worker-seconds).{' '}
        {b && (
          <span className="muted">
            Spent {formatUsd(b.spentUsd)}
            {b.hardLimitUsd != null ? ` of ${formatUsd(b.hardLimitUsd)}` : ' (no hard limit)'}.
          </span>
        )}
      </p>
      {over && !refused && (
        <p className="error small">This render would pass the hard budget; the server will refuse it.</p>
      )}
      {refused && start.error && (
        <div className="error-box" role="alert">
          <p className="error">
            {start.error.message} Raise the hard limit in Settings, or render fewer scenes.
          </p>
          <Figures f={refused} />
        </div>
      )}
      {start.error && !refused && (
        <p className="error small" role="alert">
          {start.error instanceof ApiError ? start.error.message : 'Could not start the render.'}
        </p>
      )}
      <button type="submit" disabled={start.isPending}>
        {start.isPending ? 'Starting…' : 'Start render'}
      </button>
    </form>
  );
}
