import { highlightsClipsPayloadSchema, type LectureClipsResponse } from '@clapboard/shared/highlights';

/** The clips a `highlights.clips` job asked for, read from its params with the payload's schema. */
const askedClips = highlightsClipsPayloadSchema.shape.clips;

const clock = (sec: number) => `${Math.floor(sec / 60)}:${String(Math.floor(sec % 60)).padStart(2, '0')}`;

/**
 * Rendered clips, newest render first: a player and a download for each file, and "Send to
 * storyboard" for each clip the render was asked for.
 */
export function ClipsPanel(props: {
  clips: LectureClipsResponse;
  canWrite: boolean;
  onSendToStoryboard: (span: { startSec: number; endSec: number }) => void;
}) {
  if (!props.clips.items.length) return null;
  return (
    <section className="card clips-panel" aria-labelledby="clips-title">
      <h3 id="clips-title">Clips</h3>
      {props.clips.items.map((job) => {
        const asked = askedClips.safeParse(job.params.clips).data ?? [];
        return (
          <div key={job.jobId} className="clip-job" data-job-id={job.jobId}>
            <p className="small muted">
              Rendered {job.finishedAt ? new Date(job.finishedAt).toLocaleString() : ''} ·{' '}
              {String(job.params.layout ?? '')} ·{' '}
              {Array.isArray(job.params.aspects) ? job.params.aspects.join(', ') : ''}
            </p>
            <ul className="clip-files plain">
              {job.outputs.map((o) => (
                <li key={o.asset.id} className="clip-file">
                  {o.asset.kind === 'video' && (
                    // biome-ignore lint/a11y/useMediaCaption: captions are burned in or offered as a sidecar
                    <video src={o.asset.urls.content} controls preload="metadata" />
                  )}
                  <a href={o.asset.urls.content} download={o.asset.originalName ?? o.name}>
                    Download {o.name}
                  </a>
                </li>
              ))}
            </ul>
            {props.canWrite && (
              <div className="row wrap small">
                {asked.map((c) => (
                  <button
                    key={`${c.candidateId}-${c.startSec}`}
                    type="button"
                    className="ghost small"
                    onClick={() => props.onSendToStoryboard(c)}
                  >
                    Send {clock(c.startSec)}–{clock(c.endSec)} to storyboard
                  </button>
                ))}
              </div>
            )}
          </div>
        );
      })}
    </section>
  );
}
