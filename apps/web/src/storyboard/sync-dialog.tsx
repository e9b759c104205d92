import { describeSceneSync, previewSceneSync, syncScenesFromScript } from '@clapboard/screenplay';
import { useEffect, useMemo, useRef } from 'react';
import type * as Y from 'yjs';

/**
 * "Sync from script": shows what will change (new, renamed, moved, removed scenes) before anything
 * is written; Apply runs the sync in one transaction.
 */
export function SyncDialog(props: { doc: Y.Doc; onClose: (applied: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const preview = useMemo(() => describeSceneSync(previewSceneSync(props.doc)), [props.doc]);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="card dialog"
      aria-labelledby="sync-title"
      onClose={() => props.onClose(false)}
    >
      <h2 id="sync-title">Sync scenes from the script</h2>
      <p>{preview.summary}</p>
      {preview.lines.length > 0 && (
        <ul className="sync-lines">
          {preview.lines.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      )}
      <p className="muted small">
        Frames, notes and camera choices stay with their scenes. {preview.unchanged} unchanged.
      </p>
      <div className="row">
        <button
          type="button"
          disabled={preview.lines.length === 0}
          onClick={() => {
            syncScenesFromScript(props.doc);
            props.onClose(true);
          }}
        >
          Apply changes
        </button>
        <button type="button" className="ghost" onClick={() => props.onClose(false)}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
