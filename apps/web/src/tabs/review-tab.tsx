import { assetPageSchema } from '@clapboard/shared/api';
import { commentResponseSchema, type SceneReview } from '@clapboard/shared/review';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../lib/api-client';
import { useCan, useProject } from '../lib/project-context';
import { useToasts } from '../lib/toasts';
import { ApprovalPanel, StatusChip } from '../review/approval-panel';
import { CommentComposer } from '../review/comment-composer';
import { CommentThread, threadsOf } from '../review/comment-thread';
import { downloadExport } from '../review/download-export';
import { ReviewPlayer } from '../review/review-player';
import { SceneFrameComments } from '../review/scene-frame-comments';
import { useComments, useReviewSummary } from '../review/use-review';

function SceneReviewCard({ scene }: { scene: SceneReview }) {
  return (
    <li
      className="card scene-review"
      data-scene-id={scene.sceneId}
      data-status={scene.status}
      aria-label={`Scene ${scene.index + 1}: ${scene.heading}`}
    >
      <div className="row spread">
        <h3>
          {scene.index + 1}. {scene.heading || 'Untitled scene'}
        </h3>
        <StatusChip status={scene.status} />
      </div>
      <SceneFrameComments
        sceneId={scene.sceneId}
        heading={scene.heading}
        frameAssetId={scene.frameAssetId}
        aside={<ApprovalPanel scene={scene} />}
      />
    </li>
  );
}

/** Video review: pick one of the project's videos and comment on it at a time. */
function VideoReview() {
  const { projectId } = useProject();
  const videos = useQuery({
    queryKey: ['assets', projectId, 'video'],
    queryFn: () => api(`/projects/${projectId}/assets?limit=100&kind=video`, assetPageSchema),
  });
  const [picked, setPicked] = useState<string | null>(null);
  const items = videos.data?.items ?? [];
  const current = items.find((a) => a.id === picked) ?? items[0];
  if (videos.isPending) return <p className="muted">Loading videos…</p>;
  if (!current)
    return <p className="muted small">No videos yet: renders and uploaded videos can be reviewed here.</p>;
  return (
    <div>
      <label className="row small">
        Video
        <select aria-label="Video to review" value={current.id} onChange={(e) => setPicked(e.target.value)}>
          {items.map((a) => (
            <option key={a.id} value={a.id}>
              {a.originalName ?? a.id.slice(0, 8)}
            </option>
          ))}
        </select>
      </label>
      <ReviewPlayer key={current.id} src={current.urls.content} assetId={current.id} />
    </div>
  );
}

/**
 * The Review tab: each scene with its status chip, decision (stale ones show what changed) and
 * comment threads; video review with time-coded comments; project-wide comments; exports.
 */
export function ReviewTab() {
  const { projectId } = useProject();
  const canExport = useCan('exports:create');
  const canComment = useCan('comments:write');
  const toasts = useToasts();
  const summary = useReviewSummary();
  const comments = useComments();
  const general = threadsOf((comments.data ?? []).filter((c) => c.anchor.kind === 'project'));
  const exportAs = (kind: 'csv' | 'pdf') =>
    downloadExport(
      `/projects/${projectId}/review/${kind === 'csv' ? 'export.csv' : 'report.pdf'}`,
      `review.${kind}`,
    ).catch((err: Error) => toasts.push('error', err.message));
  return (
    <div className="review">
      <div className="row spread">
        <h2>Review</h2>
        {summary.data && (
          <output className="row small" aria-label="Review summary">
            <span>{summary.data.counts.approved ?? 0} approved</span>
            <span>{summary.data.counts.changes_requested ?? 0} changes requested</span>
            <span>{summary.data.counts.stale ?? 0} stale</span>
            <span>{summary.data.counts.not_reviewed ?? 0} not reviewed</span>
            {summary.data.requireApprovalForFinal && (
              <span className="badge">final render needs approvals</span>
            )}
          </output>
        )}
        {canExport && (
          <div className="row">
            <button type="button" className="ghost" onClick={() => void exportAs('csv')}>
              Export CSV
            </button>
            <button type="button" className="ghost" onClick={() => void exportAs('pdf')}>
              PDF report
            </button>
          </div>
        )}
      </div>
      {summary.error && (
        <p className="error" role="alert">
          {summary.error.message}
        </p>
      )}
      <section aria-label="Scenes">
        {summary.data?.scenes.length === 0 && (
          <p className="muted">No scenes yet: sync the storyboard from the script first.</p>
        )}
        <ul className="review-scenes plain">
          {summary.data?.scenes.map((s) => (
            <SceneReviewCard key={s.sceneId} scene={s} />
          ))}
        </ul>
      </section>
      <section aria-label="Video review">
        <h3>Videos</h3>
        <VideoReview />
      </section>
      <section aria-label="General comments">
        <h3>General comments</h3>
        {general.map((t) => (
          <CommentThread key={t.root.id} root={t.root} replies={t.replies} />
        ))}
        {canComment && (
          <CommentComposer
            label="Comment on the project"
            onSubmit={(body) =>
              api(`/projects/${projectId}/comments`, commentResponseSchema, {
                method: 'POST',
                json: { body },
              })
            }
          />
        )}
      </section>
    </div>
  );
}
