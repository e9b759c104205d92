import { PLATFORM_PRESETS, PRESET_IDS } from '@clapboard/shared/campaigns';
import { ASPECT_RATIOS, RESOLUTIONS } from '@clapboard/shared/document';
import { type SubmittedVariantRender, submittedVariantRenderSchema } from '@clapboard/shared/jobs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { UnavailableNote } from '../components/unavailable-note';
import { ApiError, api } from '../lib/api-client';
import { formatUsd } from '../lib/format';
import { formatWorkSeconds } from '../lib/job-display';
import { estimateBasisText, variantsEstimate } from '../lib/job-estimate';
import { useProject } from '../lib/project-context';
import { isCapabilityMissing } from '../lib/submit-job';
import { useToasts } from '../lib/toasts';
import { useJobType } from '../lib/use-job-types';
import { useBudget } from '../renders/render-form';
import { variantKeys } from './use-variants';
import { EMPTY_MATRIX, type MatrixForm, matrixBody, specsOf } from './variant-matrix';

/**
 * The variant matrix: presets (aspect and length per platform) and custom sizes, rendered as one
 * `render.variants` job from the storyboard as it is now, with the campaign's brand kit. Refusals
 * say what to do: no worker (with a recheck), the budget (the campaign's or project's limit and
 * when it lifts), approvals a final render waits for, a storyboard that cannot be rendered.
 */
export function VariantMatrixForm({
  sceneSec,
  onStarted,
}: {
  /** Each scene's `durationSec`, in document order. */
  sceneSec: readonly number[];
  onStarted: (r: SubmittedVariantRender) => void;
}) {
  const { projectId } = useProject();
  const qc = useQueryClient();
  const toasts = useToasts();
  const type = useJobType('render.variants');
  const [form, setForm] = useState<MatrixForm>(EMPTY_MATRIX);
  const [problem, setProblem] = useState<string | null>(null);
  const budget = useBudget(projectId);
  const scenes = sceneSec.length;
  const specs = specsOf(form, PRESET_IDS).flatMap((spec) => {
    const v = spec.preset === 'custom' ? spec : PLATFORM_PRESETS[spec.preset];
    return Number.isFinite(v.durationSec) ? [v.durationSec] : [];
  });
  const estimate = variantsEstimate(sceneSec, specs, type.info);
  const start = useMutation({
    mutationFn: (body: unknown) =>
      api(`/projects/${projectId}/variants`, submittedVariantRenderSchema, { method: 'POST', json: body }),
    onSuccess: (res) => {
      for (const w of res.warnings) toasts.push('warning', w);
      toasts.push(
        'info',
        `${res.variants.length} variant${res.variants.length === 1 ? '' : 's'} queued (estimate ${formatUsd(res.budget.estimateUsd)}).`,
      );
      void qc.invalidateQueries({ queryKey: variantKeys.list(projectId) });
      void qc.invalidateQueries({ queryKey: ['jobs', projectId] });
      onStarted(res);
    },
    onError: (err) => {
      if (isCapabilityMissing(err)) type.recheck();
    },
  });
  const unavailable = type.availability.state === 'unavailable' ? type.availability.reason : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = matrixBody(form, PRESET_IDS);
    setProblem(r.ok ? null : r.problem);
    if (r.ok && !unavailable) start.mutate(r.body);
  };
  const setRow = (i: number, patch: Partial<MatrixForm['custom'][number]>) =>
    setForm((f) => ({ ...f, custom: f.custom.map((c, j) => (j === i ? { ...c, ...patch } : c)) }));
  const err = start.error;
  return (
    <form className="card variant-form" onSubmit={submit} aria-labelledby="variant-form-title" noValidate>
      <h2 id="variant-form-title">Render platform variants</h2>
      <fieldset className="presets">
        <legend>Presets</legend>
        <div className="preset-grid">
          {PRESET_IDS.map((p) => (
            <label key={p} className="inline preset">
              <input
                type="checkbox"
                checked={form.presets.includes(p)}
                onChange={(e) =>
                  setForm((f) => ({
                    ...f,
                    presets: e.target.checked ? [...f.presets, p] : f.presets.filter((x) => x !== p),
                  }))
                }
              />{' '}
              {PLATFORM_PRESETS[p].label}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="custom-sizes">
        <legend>Custom sizes</legend>
        {form.custom.map((c, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
          <div key={i} className="row wrap custom-row">
            <label htmlFor={`custom-${i}-name`}>
              Name
              <input
                id={`custom-${i}-name`}
                value={c.name}
                maxLength={60}
                onChange={(e) => setRow(i, { name: e.target.value })}
              />
            </label>
            <label htmlFor={`custom-${i}-aspect`}>
              Aspect
              <select
                id={`custom-${i}-aspect`}
                value={c.aspectRatio}
                onChange={(e) => setRow(i, { aspectRatio: e.target.value as typeof c.aspectRatio })}
              >
                {ASPECT_RATIOS.map((a) => (
                  <option key={a}>{a}</option>
                ))}
              </select>
            </label>
            <label htmlFor={`custom-${i}-sec`}>
              Seconds
              <input
                id={`custom-${i}-sec`}
                className="narrow"
                type="number"
                min={5}
                max={180}
                value={c.durationSec}
                onChange={(e) => setRow(i, { durationSec: e.target.value })}
              />
            </label>
            <button
              type="button"
              className="ghost small"
              onClick={() => setForm((f) => ({ ...f, custom: f.custom.filter((_, j) => j !== i) }))}
              aria-label={`Remove custom size ${i + 1}`}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="ghost small"
          onClick={() =>
            setForm((f) => ({
              ...f,
              custom: [...f.custom, { name: '', aspectRatio: '16:9', durationSec: '20' }],
            }))
          }
        >
          Add a custom size
        </button>
      </fieldset>
      <div className="form-grid">
        <label htmlFor="variant-resolution">
          Resolution
          <select
            id="variant-resolution"
            value={form.resolution}
            onChange={(e) =>
              setForm((f) => ({ ...f, resolution: e.target.value as MatrixForm['resolution'] }))
            }
          >
            {RESOLUTIONS.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={form.burnSubtitles}
            onChange={(e) => setForm((f) => ({ ...f, burnSubtitles: e.target.checked }))}
          />{' '}
          Burn in the lines (feeds play muted)
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={form.final}
            onChange={(e) => setForm((f) => ({ ...f, final: e.target.checked }))}
          />{' '}
          Final render (waits for the storyboard's approvals)
        </label>
      </div>
      {estimate && (
        <p className="small" data-testid="variants-estimate">
          Estimated cost <strong>{formatUsd(estimate.usd)}</strong> for {specs.length} variant
          {specs.length === 1 ? '' : 's'}: about {formatWorkSeconds(estimate.seconds)} of worker time (
          {estimateBasisText(estimate)}; the campaign's brand cards add a little).{' '}
          {budget.data && (
            <span className="muted">
              Project spent {formatUsd(budget.data.spentUsd)}
              {budget.data.hardLimitUsd != null ? ` of ${formatUsd(budget.data.hardLimitUsd)}` : ''}.
            </span>
          )}
        </p>
      )}
      {scenes === 0 && (
        <p className="muted small">
          No scenes to render yet: draft the storyboard from the brief, or sync it from the script.
        </p>
      )}
      {problem && (
        <p className="error small" role="alert">
          {problem}
        </p>
      )}
      {err && !isCapabilityMissing(err) && (
        <p className="error small" role="alert">
          {err instanceof ApiError
            ? err.status === 402
              ? `${err.message} Ask an owner to raise the limit on the campaign's Budget page, or render fewer variants.`
              : err.message
            : 'Could not start the variants.'}
        </p>
      )}
      {isCapabilityMissing(err) && !unavailable && (
        <p className="error small" role="alert">
          {err.message}
        </p>
      )}
      {unavailable && (
        <UnavailableNote
          id="variants-unavailable"
          reason={unavailable}
          onRecheck={type.recheck}
          checking={type.checking}
        />
      )}
      <button
        type="submit"
        disabled={start.isPending || !!unavailable || scenes === 0}
        aria-describedby={unavailable ? 'variants-unavailable' : undefined}
      >
        {start.isPending ? 'Starting…' : 'Render variants'}
      </button>
    </form>
  );
}
