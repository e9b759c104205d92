import { type Comment, commentResponseSchema, type DrawingShape } from '@clapboard/shared/review';
import { useRef, useState } from 'react';
import { api } from '../lib/api-client';
import { useCan, useProject } from '../lib/project-context';
import { CommentComposer } from './comment-composer';
import { CommentThread, threadsOf, timecode } from './comment-thread';
import { useComments } from './use-review';

/** A drawn shape in the 0..1 frame space of the SVG overlay (viewBox 0 0 1 1). */
function Shape({ shape }: { shape: DrawingShape }) {
  const [[x1, y1] = [0, 0], [x2, y2] = [0, 0]] = shape.points;
  const stroke = { stroke: shape.color, strokeWidth: 0.006, fill: 'none' };
  switch (shape.kind) {
    case 'rect':
      return (
        <rect
          x={Math.min(x1, x2)}
          y={Math.min(y1, y2)}
          width={Math.abs(x2 - x1)}
          height={Math.abs(y2 - y1)}
          {...stroke}
        />
      );
    case 'ellipse':
      return (
        <ellipse
          cx={(x1 + x2) / 2}
          cy={(y1 + y2) / 2}
          rx={Math.abs(x2 - x1) / 2}
          ry={Math.abs(y2 - y1) / 2}
          {...stroke}
        />
      );
    case 'path':
      return <polyline points={shape.points.map((p) => p.join(',')).join(' ')} {...stroke} />;
    default:
      return (
        <line
          x1={x1}
          y1={y1}
          x2={x2}
          y2={y2}
          {...stroke}
          markerEnd={shape.kind === 'arrow' ? 'url(#arrowhead)' : undefined}
        />
      );
  }
}

/**
 * A video with review comments pinned to times: a timeline of markers under the player, a box that
 * comments at the current time, and the threads. Clicking a marker or a comment seeks there (and
 * shows its drawing on the frame). Used for renders (`jobId`) and for any video asset (`assetId`).
 */
export function ReviewPlayer(props: {
  src: string;
  jobId?: string;
  assetId?: string;
  children?: React.ReactNode;
}) {
  const { projectId } = useProject();
  const canComment = useCan('comments:write');
  const video = useRef<HTMLVideoElement>(null);
  const [now, setNow] = useState(0);
  const [duration, setDuration] = useState(0);
  const [selected, setSelected] = useState<Comment | null>(null);
  const comments = useComments();
  const mine = (comments.data ?? []).filter(
    (c) =>
      c.anchor.kind === 'media' &&
      (props.jobId ? c.anchor.jobId === props.jobId : c.anchor.assetId === props.assetId),
  );
  const threads = threadsOf(mine).sort(
    (a, b) =>
      (a.root.anchor.kind === 'media' ? a.root.anchor.startSec : 0) -
      (b.root.anchor.kind === 'media' ? b.root.anchor.startSec : 0),
  );
  const seek = (c: Comment) => {
    if (c.anchor.kind !== 'media' || !video.current) return;
    video.current.pause();
    video.current.currentTime = c.anchor.startSec;
    setSelected(c);
  };
  const drawing = selected?.anchor.kind === 'media' ? (selected.anchor.drawing ?? []) : [];
  return (
    <div className="review-player">
      <div className="frame">
        {/* biome-ignore lint/a11y/useMediaCaption: subtitles are passed as children when the render made them */}
        <video
          ref={video}
          controls
          preload="metadata"
          src={props.src}
          crossOrigin="anonymous"
          onTimeUpdate={(e) => setNow(e.currentTarget.currentTime)}
          onSeeked={(e) => setNow(e.currentTarget.currentTime)}
          onLoadedMetadata={(e) => setDuration(e.currentTarget.duration)}
        >
          {props.children}
        </video>
        {drawing.length > 0 && (
          <svg
            className="drawing"
            viewBox="0 0 1 1"
            preserveAspectRatio="none"
            aria-label="Drawing on the frame"
          >
            <defs>
              <marker id="arrowhead" markerWidth="6" markerHeight="6" refX="5" refY="3" orient="auto">
                <path d="M0,0 L6,3 L0,6 z" fill="currentColor" />
              </marker>
            </defs>
            {drawing.map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: shapes have no identity beyond their order
              <Shape key={i} shape={s} />
            ))}
          </svg>
        )}
      </div>
      <nav className="markers" aria-label="Comment markers">
        {duration > 0 &&
          threads.map(({ root }) =>
            root.anchor.kind === 'media' ? (
              <button
                type="button"
                key={root.id}
                className="marker"
                data-resolved={root.resolvedAt !== null}
                style={{ left: `${Math.min(100, (root.anchor.startSec / duration) * 100)}%` }}
                title={`${timecode(root.anchor.startSec)} ${root.author?.name ?? ''}`}
                aria-label={`Jump to the comment at ${timecode(root.anchor.startSec)}`}
                onClick={() => seek(root)}
              />
            ) : null,
          )}
      </nav>
      {canComment && (
        <CommentComposer
          label={`Comment at ${timecode(now)}`}
          submitLabel={`Comment at ${timecode(now)}`}
          onSubmit={(body) =>
            api(`/projects/${projectId}/comments`, commentResponseSchema, {
              method: 'POST',
              json: {
                body,
                anchor: {
                  kind: 'media',
                  ...(props.jobId ? { jobId: props.jobId } : { assetId: props.assetId }),
                  startSec: Math.round(now * 100) / 100,
                },
              },
            })
          }
        />
      )}
      <section className="threads" aria-label="Comments on this video">
        {threads.map((t) => (
          <CommentThread key={t.root.id} root={t.root} replies={t.replies} onSelect={seek} />
        ))}
      </section>
    </div>
  );
}
