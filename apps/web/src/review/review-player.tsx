import { type Comment, commentResponseSchema, type Drawing } from '@clapboard/shared/review';
import { useEffect, useRef, useState } from 'react';
import { api } from '../lib/api-client';
import { useCan, useProject } from '../lib/project-context';
import { CommentComposer } from './comment-composer';
import { CommentThread, threadsOf, timecode } from './comment-thread';
import {
  containedBox,
  DrawingLayer,
  type DrawingTool,
  DrawingToolbar,
  type PictureBox,
  useLiveDrawing,
} from './drawing-layer';
import { useComments } from './use-review';

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
  const { projectId, socket } = useProject();
  const canComment = useCan('comments:write');
  const video = useRef<HTMLVideoElement>(null);
  const box = usePictureBox(video);
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
  // My drawing for the next comment, made with a tool on the paused frame, and shown live to the others.
  const [tool, setTool] = useState<DrawingTool | null>(null);
  const [draft, setDraft] = useState<Drawing>([]);
  const [drawAt, setDrawAt] = useState(0);
  const frameKey = `${props.jobId ? `job:${props.jobId}` : `asset:${props.assetId}`}@${Math.round(drawAt * 100) / 100}`;
  const live = useLiveDrawing(socket, projectId, frameKey, draft);
  const pickTool = (t: DrawingTool | null) => {
    if (t && !tool) {
      video.current?.pause();
      setDrawAt(video.current?.currentTime ?? now);
    }
    setTool(t);
  };
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
        <DrawingLayer shapes={[...drawing, ...live]} draft={draft} tool={tool} onDraft={setDraft} box={box} />
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
        <DrawingToolbar tool={tool} onTool={pickTool} draft={draft} onClear={() => setDraft([])} />
      )}
      {canComment && (
        <CommentComposer
          label={`Comment at ${timecode(now)}`}
          submitLabel={`Comment at ${timecode(now)}`}
          onSubmit={async (body) => {
            const at = draft.length > 0 ? drawAt : now;
            await api(`/projects/${projectId}/comments`, commentResponseSchema, {
              method: 'POST',
              json: {
                body,
                anchor: {
                  kind: 'media',
                  ...(props.jobId ? { jobId: props.jobId } : { assetId: props.assetId }),
                  startSec: Math.round(at * 100) / 100,
                  ...(draft.length > 0 ? { drawing: draft } : {}),
                },
              },
            });
            // Posted: the drawing is the comment's now; the others' live copy ends.
            setDraft([]);
            setTool(null);
          }}
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

/**
 * The picture's box inside the video element (it is letterboxed when the player's shape differs
 * from the video's), kept current as the element resizes and when the video's size becomes known.
 */
function usePictureBox(video: React.RefObject<HTMLVideoElement | null>): PictureBox | null {
  const [box, setBox] = useState<PictureBox | null>(null);
  useEffect(() => {
    const el = video.current;
    if (!el) return;
    const measure = () =>
      setBox(containedBox(el.clientWidth, el.clientHeight, el.videoWidth, el.videoHeight));
    measure();
    el.addEventListener('loadedmetadata', measure);
    el.addEventListener('resize', measure);
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    observer?.observe(el);
    return () => {
      el.removeEventListener('loadedmetadata', measure);
      el.removeEventListener('resize', measure);
      observer?.disconnect();
    };
  }, [video]);
  return box;
}
