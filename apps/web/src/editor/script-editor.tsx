import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { fountain } from './fountain-language';

const theme = EditorView.theme(
  {
    '&': { backgroundColor: 'var(--panel)', color: 'var(--text)', height: '100%' },
    '.cm-content': {
      fontFamily: '"Courier Prime", "Courier New", ui-monospace, monospace',
      fontSize: '15px',
      padding: '1rem 0',
      caretColor: 'var(--accent)',
    },
    '.cm-line': { padding: '0 1.25rem' },
    '&.cm-focused': { outline: 'none' },
    '.cm-scroller': { lineHeight: '1.6' },
    '.cm-cursor': { borderLeftColor: 'var(--accent)' },
  },
  { dark: true },
);

/**
 * CodeMirror 6 bound to the project's `script` Y.Text, with Fountain highlighting and remote
 * cursors (y-codemirror.next). Read-only roles get a non-editable view; the realtime server refuses
 * their updates anyway, this just keeps the UI honest.
 *
 * @param onView receives the EditorView (for the outline and follow mode), and null on unmount
 */
export function ScriptEditor(props: {
  ytext: Y.Text;
  provider: WebsocketProvider;
  readOnly: boolean;
  onView: (view: EditorView | null) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const editable = useRef(new Compartment());
  const { ytext, provider, onView } = props;

  // biome-ignore lint/correctness/useExhaustiveDependencies: readOnly is applied by the effect below
  useEffect(() => {
    const undoManager = new Y.UndoManager(ytext);
    const view = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: ytext.toString(),
        extensions: [
          keymap.of([...yUndoManagerKeymap, ...defaultKeymap, indentWithTab]),
          EditorView.lineWrapping,
          fountain(),
          yCollab(ytext, provider.awareness, { undoManager }),
          editable.current.of(readOnlyExtensions(props.readOnly)),
          placeholder('INT. SOMEWHERE - DAY\n\nStart your script in Fountain…'),
          EditorView.contentAttributes.of({ 'aria-label': 'Script editor (Fountain)' }),
          theme,
        ],
      }),
    });
    viewRef.current = view;
    onView(view);
    return () => {
      onView(null);
      view.destroy();
      undoManager.destroy();
      viewRef.current = null;
    };
  }, [ytext, provider, onView]);

  useEffect(() => {
    viewRef.current?.dispatch({ effects: editable.current.reconfigure(readOnlyExtensions(props.readOnly)) });
  }, [props.readOnly]);

  return <div ref={host} className="script-editor" data-readonly={props.readOnly} />;
}

function readOnlyExtensions(readOnly: boolean) {
  return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];
}
