import type { Asset } from '@clapboard/shared/api';
import type { Job } from '@clapboard/shared/jobs';
import { JobProgress } from '../components/job-progress';
import { useProject } from '../lib/project-context';
import { useToasts } from '../lib/toasts';
import { useAsset } from '../lib/use-asset';
import { useJobWatch } from '../lib/use-job-watch';

function PreviewImage({ assetId, label }: { assetId: string; label: string }) {
  const a = useAsset(assetId);
  return a.data ? <img src={a.data.urls.content} alt={label} className="preview" /> : null;
}

/**
 * Live view of an `assets.derive` job (probe, poster, preview strip): progress with stage and ETA,
 * previews as they arrive, then the source played back with the probe's duration alongside.
 */
export function DeriveJob({ job, asset, onClose }: { job: Job; asset: Asset; onClose: () => void }) {
  const { socket } = useProject();
  const toasts = useToasts();
  const watched = useJobWatch(socket, job, (j) => {
    if (j.status === 'completed')
      toasts.push('success', `Previews of ${asset.originalName ?? 'the asset'} are ready.`);
    else toasts.push('error', `Previews ${j.status}${j.error ? `: ${j.error}` : ''}.`);
  });
  const done = watched.job.status === 'completed';
  const probe = watched.job.outputs.find((o) => o.name === 'probe')?.value as
    | { durationSec?: number | null }
    | undefined;
  return (
    <section
      className="card inset derive-job"
      data-job-id={job.id}
      aria-label={`Previews of ${asset.originalName ?? asset.id}`}
    >
      <JobProgress watched={watched} label="Previews" />
      <div className="previews">
        {watched.previews.map((id) => (
          <PreviewImage key={id} assetId={id} label="Preview" />
        ))}
      </div>
      {done && asset.kind === 'video' && (
        <figure className="render-player" data-duration={probe?.durationSec ?? ''}>
          {/* biome-ignore lint/a11y/useMediaCaption: user uploads come without captions */}
          <video controls preload="metadata" src={asset.urls.content} />
          <figcaption className="small muted">
            Probed duration {probe?.durationSec?.toFixed(2) ?? '—'} s
          </figcaption>
        </figure>
      )}
      {watched.job.status !== 'queued' && watched.job.status !== 'running' && (
        <button type="button" className="ghost small" onClick={onClose}>
          Close
        </button>
      )}
    </section>
  );
}
