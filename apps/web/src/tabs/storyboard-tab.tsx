import { moveScene } from '@clapboard/screenplay';
import { useState } from 'react';
import { useCan, useProject } from '../lib/project-context';
import { useToasts } from '../lib/toasts';
import { CastPanel } from '../storyboard/cast-panel';
import { SceneCard } from '../storyboard/scene-card';
import { ScenePanel } from '../storyboard/scene-panel';
import { SyncDialog } from '../storyboard/sync-dialog';
import { useScenes } from '../storyboard/use-scenes';

/**
 * The Storyboard tab: the cast (portraits and voices), scene cards in order, drag (or arrow buttons)
 * to reorder, a scene panel.
 */
export function StoryboardTab() {
  const { connection } = useProject();
  const { doc } = connection;
  const scenes = useScenes(doc);
  const canEdit = useCan('document:write');
  const toasts = useToasts();
  const [selected, setSelected] = useState<string | null>(null);
  const [syncing, setSyncing] = useState(false);
  const [showRemoved, setShowRemoved] = useState(false);

  const visible = scenes.filter((s) => showRemoved || !s.removed);
  const current = scenes.find((s) => s.id === selected) ?? null;
  return (
    <div className="storyboard">
      <div className="row spread toolbar">
        <p className="muted small">
          {visible.length} scene{visible.length === 1 ? '' : 's'} · drag cards or use the arrows to reorder
        </p>
        <div className="row">
          <label className="row small inline">
            <input type="checkbox" checked={showRemoved} onChange={(e) => setShowRemoved(e.target.checked)} />{' '}
            Show removed
          </label>
          {canEdit && (
            <button type="button" onClick={() => setSyncing(true)}>
              Sync from script
            </button>
          )}
        </div>
      </div>
      <CastPanel />
      {scenes.length === 0 && (
        <div className="card empty">
          <p>No scenes yet. Write scene headings (INT. / EXT.) in the Script tab, then sync from script.</p>
        </div>
      )}
      <div className={`storyboard-layout${current ? ' with-panel' : ''}`}>
        <ol className="scene-grid" aria-label="Scenes">
          {visible.map((s, i) => (
            <SceneCard
              key={s.id}
              scene={s}
              position={i}
              count={scenes.length}
              selected={s.id === selected}
              canEdit={canEdit}
              onSelect={() => setSelected(s.id === selected ? null : s.id)}
              onMove={(to) => moveScene(doc, s.id, to)}
              onDropAt={(from) => {
                const dragged = scenes.find((x) => x.index === from);
                if (dragged) moveScene(doc, dragged.id, s.index);
              }}
            />
          ))}
        </ol>
        {current && <ScenePanel key={current.id} scene={current} onClose={() => setSelected(null)} />}
      </div>
      {syncing && (
        <SyncDialog
          doc={doc}
          onClose={(applied) => {
            setSyncing(false);
            if (applied) toasts.push('success', 'Scenes synced from the script.');
          }}
        />
      )}
    </div>
  );
}
