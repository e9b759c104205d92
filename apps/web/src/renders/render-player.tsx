import { assetSchema } from '@clapboard/shared/api';
import type { Job } from '@clapboard/shared/jobs';
import { useQueries } from '@tanstack/react-query';
import { api } from '../lib/api-client';
import { formatBytes, formatDuration } from '../lib/format';
import { ReviewPlayer } from '../review/review-player';

/**
 * A finished render: the video with its subtitles (the VTT output as a <track>) and time-coded
 * review comments, download links, and which document version it shows.
 */
export function RenderPlayer({ job }: { job: Job }) {
  const ids = job.outputs.flatMap((o) => (o.assetId ? [o.assetId] : []));
  const assets = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['asset', id],
      queryFn: () => api(`/assets/${id}`, assetSchema),
      staleTime: 30 * 60_000,
    })),
  });
  const loaded = assets.flatMap((q) => (q.data ? [q.data] : []));
  const video = loaded.find((a) => a.kind === 'video');
  const vtt = loaded.find((a) => a.mime.startsWith('text/vtt') || a.originalName?.endsWith('.vtt'));
  if (assets.some((q) => q.isPending)) return <p className="muted small">Loading the render…</p>;
  if (!video) return <p className="muted small">This job produced no video.</p>;
  return (
    <figure className="render-player" data-duration={video.durationSec ?? ''}>
      {/* Review comments pin to this render's job, so they stay with it when it is rendered again. */}
      <ReviewPlayer src={video.urls.content} jobId={job.id}>
        {vtt && <track kind="subtitles" src={vtt.urls.content} srcLang="en" label="Subtitles" default />}
      </ReviewPlayer>
      <figcaption className="small muted">
        {video.width}×{video.height} · {formatDuration(video.durationSec)} · {formatBytes(video.byteSize)} ·{' '}
        {job.versionId ? `version ${job.versionId.slice(0, 8)}` : 'live document at render time'} ·{' '}
        <a href={video.urls.content} download={video.originalName ?? 'render.mp4'}>
          Download video
        </a>
        {vtt && (
          <>
            {' · '}
            <a href={vtt.urls.content} download={vtt.originalName ?? 'subtitles.vtt'}>
              Download subtitles
            </a>
          </>
        )}
      </figcaption>
    </figure>
  );
}
