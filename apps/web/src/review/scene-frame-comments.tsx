import { type Comment, commentResponseSchema, type Drawing } from '@clapboard/shared/review';
import { type ReactNode, useState } from 'react';
import { api } from '../lib/api-client';
import { useCan, useProject } from '../lib/project-context';
import { useAsset } from '../lib/use-asset';
import { CommentComposer } from './comment-composer';
import { CommentThread, threadsOf } from './comment-thread';
import { DrawingLayer, type DrawingTool, DrawingToolbar, useLiveDrawing } from './drawing-layer';
import { useComments } from './use-review';

/**
 * A scene's storyboard frame with its comments: members who may comment pick pen, arrow or
 * rectangle and draw over the frame (the others in the project see the strokes live, frame key
 * `scene:<id>`), and the drawing is posted with the next comment (anchor `{kind:'scene', drawing}`).
 * Selecting a comment with a drawing shows it over the frame; viewers see drawings, with no tools.
 * `aside` sits beside the frame (the review tab puts the approval there).
 */
export function SceneFrameComments(props: {
  sceneId: string;
  heading: string;
  frameAssetId: string | null;
  aside?: ReactNode;
}) {
  const { projectId, socket } = useProject();
  const canComment = useCan('comments:write');
  const comments = useComments();
  const frame = useAsset(props.frameAssetId);
  const src = frame.data?.urls.thumbnail ?? frame.data?.urls.content;
  const mine = (comments.data ?? []).filter((c) => c.sceneId === props.sceneId && c.anchor.kind !== 'media');
  const threads = threadsOf(mine);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selected = mine.find((c) => c.id === selectedId);
  const shown =
    selected?.anchor.kind === 'scene' && !selected.deletedAt ? (selected.anchor.drawing ?? []) : [];
  const [tool, setTool] = useState<DrawingTool | null>(null);
  const [draft, setDraft] = useState<Drawing>([]);
  const live = useLiveDrawing(socket, projectId, `scene:${props.sceneId}`, draft);
  const select = (c: Comment) => setSelectedId((id) => (id === c.id ? null : c.id));
  return (
    <div className="scene-frame-comments">
      <div className="row top">
        {props.frameAssetId && (
          <div className="scene-frame" data-scene-id={props.sceneId}>
            {src ? (
              <img className="review-frame" src={src} alt={`Frame of ${props.heading || 'the scene'}`} />
            ) : (
              <div className="review-frame placeholder" aria-hidden="true" />
            )}
            <DrawingLayer
              shapes={[...shown, ...live]}
              draft={draft}
              tool={canComment ? tool : null}
              onDraft={setDraft}
            />
          </div>
        )}
        {props.aside && <div className="grow">{props.aside}</div>}
      </div>
      {canComment && props.frameAssetId && (
        <DrawingToolbar tool={tool} onTool={setTool} draft={draft} onClear={() => setDraft([])} />
      )}
      {threads.map((t) => (
        <CommentThread
          key={t.root.id}
          root={t.root}
          replies={t.replies}
          onSelect={select}
          selectedId={selectedId}
        />
      ))}
      {canComment && (
        <CommentComposer
          label={`Comment on ${props.heading}`}
          submitLabel={draft.length > 0 ? 'Comment with drawing' : 'Comment'}
          onSubmit={async (body) => {
            await api(`/projects/${projectId}/comments`, commentResponseSchema, {
              method: 'POST',
              json: {
                body,
                anchor: {
                  kind: 'scene',
                  sceneId: props.sceneId,
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
    </div>
  );
}
