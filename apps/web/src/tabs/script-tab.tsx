import { DOC_KEYS } from '@clapboard/shared/document';
import { EditorView } from '@codemirror/view';
import { useCallback, useEffect, useState } from 'react';
import * as Y from 'yjs';
import { ConnectionIndicator } from '../components/connection-indicator';
import { PresenceBar } from '../components/presence-bar';
import { ScriptEditor } from '../editor/script-editor';
import { useScriptOutline } from '../editor/use-script-outline';
import { formatDuration } from '../lib/format';
import { useCan, useConnectionState, useProject } from '../lib/project-context';
import { useAwarenessPeers } from '../lib/use-awareness-users';

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
  const { connection } = useProject();
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
          <ConnectionIndicator state={state} />
        </div>
      </div>
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
        </nav>
      </div>
    </div>
  );
}
