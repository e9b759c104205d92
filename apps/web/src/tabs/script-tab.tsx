import { DOC_KEYS } from '@clapboard/shared/document';
import type { ScriptImportReplaced } from '@clapboard/shared/script-import';
import { EditorView } from '@codemirror/view';
import { useCallback, useEffect, useState } from 'react';
import * as Y from 'yjs';
import { ConnectionIndicator } from '../components/connection-indicator';
import { PresenceBar } from '../components/presence-bar';
import { ScriptEditor } from '../editor/script-editor';
import { useScriptOutline } from '../editor/use-script-outline';
import { ApiError } from '../lib/api-client';
import { formatDuration } from '../lib/format';
import { useCan, useConnectionState, useProject } from '../lib/project-context';
import { replaceScript, restoreVersion } from '../lib/script-import';
import { useAwarenessPeers } from '../lib/use-awareness-users';
import { ScriptComments } from '../review/script-comments';
import { ImportScriptDialog } from '../script-import/import-script-dialog';

/** Scrolls the editor to a collaborator's cursor (their awareness `cursor.head`). */
function scrollToPeer(view: EditorView, doc: Y.Doc, head: unknown): void {
  const rel = Y.createRelativePositionFromJSON(head);
  const abs = Y.createAbsolutePositionFromRelativePosition(rel, doc);
  if (!abs || abs.type !== doc.getText(DOC_KEYS.script)) return;
  const pos = Math.min(abs.index, view.state.doc.length);
  view.dispatch({ effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
}

/** The Script tab: collaborative Fountain editor, presence, follow mode and a scene outline. */
export function ScriptTab() {
  const { connection, projectId } = useProject();
  const [importing, setImporting] = useState(false);
  const [imported, setImported] = useState<ScriptImportReplaced | null>(null);
  const [undo, setUndo] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const undoImport = async (versionId: string) => {
    setUndo({ busy: true, error: null });
    try {
      await restoreVersion(projectId, versionId);
      setImported(null);
      setUndo({ busy: false, error: null });
    } catch (err) {
      setUndo({ busy: false, error: err instanceof ApiError ? err.message : 'Could not undo the import.' });
    }
  };
  const state = useConnectionState();
  const canWrite = useCan('document:write');
  const ytext = connection.doc.getText(DOC_KEYS.script);
  const outline = useScriptOutline(ytext);
  const peers = useAwarenessPeers(connection.provider);
  const [view, setView] = useState<EditorView | null>(null);
  const [following, setFollowing] = useState<number | null>(null);
  const onView = useCallback((v: EditorView | null) => setView(v), []);

  // Follow mode: keep the followed person's cursor in view as they move.
  const followed = peers.find((p) => p.clientId === following);
  useEffect(() => {
    if (following !== null && !followed) setFollowing(null);
    if (view && followed?.cursor) scrollToPeer(view, connection.doc, followed.cursor.head);
  }, [view, followed, following, connection.doc]);

  const jump = (from: number) => {
    if (!view) return;
    setFollowing(null);
    const pos = Math.min(from, view.state.doc.length);
    view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'start' }) });
    view.focus();
  };

  return (
    <div className="script-tab">
      <div className="row spread toolbar">
        <PresenceBar peers={peers} following={following} onFollow={setFollowing} />
        <div className="row">
          {!canWrite && state.role && (
            <span className="badge" role="note">
              Read-only ({state.role})
            </span>
          )}
          {followed && <span className="muted small">Following {followed.user.name}</span>}
          {canWrite && (
            <button type="button" className="ghost" onClick={() => setImporting(true)}>
              Import script
            </button>
          )}
          <ConnectionIndicator state={state} />
        </div>
      </div>
      {imported && (
        <p className="row small" role="status">
          {imported.changed
            ? `Imported ${imported.preview.filename}: ${imported.preview.scenes.length} scenes.`
            : `${imported.preview.filename} is the same as the current script; nothing changed.`}
          {imported.backup && (
            <button
              type="button"
              className="ghost"
              disabled={undo.busy}
              onClick={() => void undoImport(imported.backup!.id)}
            >
              Undo import
            </button>
          )}
          <button type="button" className="ghost" onClick={() => setImported(null)}>
            Dismiss
          </button>
          {undo.error && <span className="error">{undo.error}</span>}
        </p>
      )}
      {importing && (
        <ImportScriptDialog
          projectId={projectId}
          onClose={() => setImporting(false)}
          onConfirm={async (file) => {
            // The new script reaches this editor through the document, like a collaborator's edit.
            setImported(await replaceScript(projectId, file));
            setImporting(false);
          }}
        />
      )}
      <div className="script-layout">
        <ScriptEditor ytext={ytext} provider={connection.provider} readOnly={!canWrite} onView={onView} />
        <nav className="outline card" aria-label="Scene outline">
          <h2 className="small muted">Scenes ({outline.length})</h2>
          {outline.length === 0 && <p className="muted small">Scene headings (INT. / EXT.) appear here.</p>}
          <ol>
            {outline.map((s) => (
              <li key={`${s.index}-${s.from}`}>
                <button type="button" className="link" onClick={() => jump(s.from)}>
                  <span className="scene-no">{s.index + 1}</span> {s.heading}
                </button>
                <span className="muted small">
                  {formatDuration(s.durationSec)}
                  {s.characters.length > 0 && ` · ${s.characters.join(', ')}`}
                </span>
              </li>
            ))}
          </ol>
          <ScriptComments view={view} />
        </nav>
      </div>
    </div>
  );
}
