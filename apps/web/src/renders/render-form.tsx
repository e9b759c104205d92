import { budgetResponseSchema } from '@clapboard/shared/api';
import { ASPECT_RATIOS, RESOLUTIONS } from '@clapboard/shared/document';
import type { BudgetFigures } from '@clapboard/shared/jobs';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { UnavailableNote } from '../components/unavailable-note';
import { ApiError, api } from '../lib/api-client';
import { formatUsd } from '../lib/format';
import { formatWorkSeconds } from '../lib/job-display';
import { estimateBasis, estimateBasisText, filmSeconds, renderEstimate } from '../lib/job-estimate';
import { useProject } from '../lib/project-context';
import { budgetFiguresOf, isCapabilityMissing, submitJob } from '../lib/submit-job';
import { useToasts } from '../lib/toasts';
import { useJobType } from '../lib/use-job-types';

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
    queryFn: () => api(`/projects/${projectId}/budget`, budgetResponseSchema),
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
 * shown before anything is spent. The estimate is the job service's own (shared plan over each
 * scene's seconds, this deployment's measured work where it has some). With no worker running
 * renders the button is disabled and says why; a 402 shows the API's figures and says what to do.
 *
 * @param sceneSec each scene's `durationSec`, in document order
 */
export function RenderForm({ sceneSec }: { sceneSec: readonly number[] }) {
  const { projectId, project } = useProject();
  const qc = useQueryClient();
  const toasts = useToasts();
  const budget = useBudget(projectId);
  const renderType = useJobType('render.video');
  const [resolution, setResolution] = useState<string>(project?.settings.resolution ?? '720p');
  const [aspect, setAspect] = useState<string>(project?.settings.aspectRatio ?? '16:9');
  const [burn, setBurn] = useState(false);
  const estimate = renderEstimate(sceneSec, renderType.info);
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
    // The workers changed since the last look: ask again so the button says so too.
    onError: (err) => {
      if (isCapabilityMissing(err)) renderType.recheck();
    },
  });
  const refused =
    start.error instanceof ApiError && start.error.status === 402
      ? budgetFiguresOf(start.error.details)
      : null;
  const missing = isCapabilityMissing(start.error) ? start.error : null;
  const unavailable = renderType.availability.state === 'unavailable' ? renderType.availability.reason : null;
  const noScenes = sceneSec.length === 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!unavailable && !noScenes) start.mutate();
  };
  const b = budget.data;
  const over =
    estimate && b?.hardLimitUsd != null && b.spentUsd + b.reservedUsd + estimate.usd > b.hardLimitUsd;
  const n = sceneSec.length;
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
      <p className="small" data-testid="render-estimate" data-basis={estimate ? estimateBasis(estimate) : ''}>
        {estimate ? (
          <>
            Estimated cost <strong>{formatUsd(estimate.usd)}</strong> for {n} scene{n === 1 ? '' : 's'},{' '}
            {formatWorkSeconds(filmSeconds(sceneSec))} of film: about {formatWorkSeconds(estimate.seconds)} of
            worker time ({estimateBasisText(estimate)}).{' '}
          </>
        ) : (
          'No scenes to render yet: sync them from the script in the Storyboard tab. '
        )}
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
      {missing && !unavailable && (
        <p className="error small" role="alert">
          {missing.message}
        </p>
      )}
      {start.error && !refused && !missing && (
        <p className="error small" role="alert">
          {start.error instanceof ApiError ? start.error.message : 'Could not start the render.'}
        </p>
      )}
      {unavailable && (
        <UnavailableNote
          id="render-unavailable"
          reason={unavailable}
          onRecheck={renderType.recheck}
          checking={renderType.checking}
        />
      )}
      <button
        type="submit"
        disabled={start.isPending || !!unavailable || noScenes}
        aria-describedby={unavailable ? 'render-unavailable' : undefined}
      >
        {start.isPending ? 'Starting…' : 'Start render'}
      </button>
    </form>
  );
}
