import type { DragEvent } from 'react';
import { formatDuration } from '../lib/format';
import { useAsset } from '../lib/use-asset';
import type { SceneView } from './use-scenes';

/** Status line of a scene card: what still needs doing. */
function statusOf(scene: SceneView): string {
  if (scene.removed) return 'Removed from script';
  if (!scene.frameAssetId) return 'No frame yet';
  return 'Frame ready';
}

/**
 * One storyboard card: frame thumbnail, heading, duration, camera move and status. Draggable to
 * reorder; the "earlier"/"later" buttons do the same from the keyboard.
 */
export function SceneCard(props: {
  scene: SceneView;
  position: number;
  count: number;
  selected: boolean;
  canEdit: boolean;
  onSelect: () => void;
  onMove: (to: number) => void;
  onDropAt: (from: number) => void;
}) {
  const { scene } = props;
  const frame = useAsset(scene.frameAssetId);
  const thumb = frame.data?.urls.thumbnail ?? frame.data?.urls.content;
  return (
    <li
      className={`scene-card card${props.selected ? ' selected' : ''}${scene.removed ? ' removed' : ''}`}
      data-scene-id={scene.id}
      draggable={props.canEdit}
      onDragStart={(e: DragEvent) => {
        e.dataTransfer.setData('text/x-scene-index', String(scene.index));
        e.dataTransfer.effectAllowed = 'move';
      }}
      onDragOver={(e) => {
        if (props.canEdit && e.dataTransfer.types.includes('text/x-scene-index')) e.preventDefault();
      }}
      onDrop={(e) => {
        e.preventDefault();
        const from = Number(e.dataTransfer.getData('text/x-scene-index'));
        if (Number.isInteger(from)) props.onDropAt(from);
      }}
    >
      <button type="button" className="scene-open" onClick={props.onSelect} aria-pressed={props.selected}>
        <div className="thumb">
          {thumb ? (
            <img src={thumb} alt={`Frame of ${scene.heading}`} loading="lazy" />
          ) : (
            <span aria-hidden="true">🎬</span>
          )}
        </div>
        <strong className="scene-heading">
          {props.position + 1}. {scene.heading || 'Untitled scene'}
        </strong>
        <span className="muted small">
          {formatDuration(scene.durationSec)} · {scene.shot} · {scene.camera}
        </span>
        <span className="small scene-status">{statusOf(scene)}</span>
      </button>
      {props.canEdit && (
        <div className="row small">
          <button
            type="button"
            className="ghost small"
            disabled={scene.index === 0}
            onClick={() => props.onMove(scene.index - 1)}
            aria-label={`Move ${scene.heading} earlier`}
          >
            ←
          </button>
          <button
            type="button"
            className="ghost small"
            disabled={scene.index === props.count - 1}
            onClick={() => props.onMove(scene.index + 1)}
            aria-label={`Move ${scene.heading} later`}
          >
            →
          </button>
        </div>
      )}
    </li>
  );
}
