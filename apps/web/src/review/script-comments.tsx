import { DOC_KEYS } from '@clapboard/shared/document';
import { type Comment, commentResponseSchema } from '@clapboard/shared/review';
import type { EditorView } from '@codemirror/view';
import { useEffect, useMemo, useState } from 'react';
import * as Y from 'yjs';
import { setCommentRanges } from '../editor/comment-gutter';
import { api } from '../lib/api-client';
import { useCan, useProject } from '../lib/project-context';
import { CommentComposer } from './comment-composer';
import { CommentThread, threadsOf } from './comment-thread';
import { useComments } from './use-review';

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** Resolves a stored relative position against the live document (null once it cannot). */
function resolve(doc: Y.Doc, encoded: string): number | null {
  try {
    const abs = Y.createAbsolutePositionFromRelativePosition(
      Y.decodeRelativePosition(fromBase64(encoded)),
      doc,
    );
    return abs && abs.type === doc.getText(DOC_KEYS.script) ? abs.index : null;
  } catch {
    return null;
  }
}

/**
 * Script comments beside the editor: the threads, gutter markers at their ranges resolved live
 * against the Y.Doc (so they follow everyone's typing, not just the last server read), and a box
 * that comments on the current selection, anchored by Yjs relative positions.
 */
export function ScriptComments({ view }: { view: EditorView | null }) {
  const { projectId, connection } = useProject();
  const canComment = useCan('comments:write');
  const comments = useComments();
  const [selection, setSelection] = useState<{ from: number; to: number } | null>(null);
  const script = (comments.data ?? []).filter(
    (c): c is Comment & { anchor: { kind: 'script' } } => c.anchor.kind === 'script',
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: recomputed only when the comments change
  const threads = useMemo(() => threadsOf(script), [comments.data]);

  useEffect(() => {
    if (!view) return;
    const doc = connection.doc;
    const text = doc.getText(DOC_KEYS.script);
    const refresh = () => {
      const ranges = threads.flatMap(({ root, replies }) => {
        if (root.anchor.kind !== 'script' || root.deletedAt) return [];
        const from = resolve(doc, root.anchor.start);
        const to = resolve(doc, root.anchor.end);
        return from === null || to === null ? [] : [{ from, to, count: 1 + replies.length }];
      });
      view.dispatch({ effects: setCommentRanges.of(ranges) });
    };
    // Never dispatch from inside the Y transaction: the text observer runs while CodeMirror is still
    // applying the very edit that caused it, and a nested dispatch would throw and lose the update.
    let frame = requestAnimationFrame(refresh);
    const schedule = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(refresh);
    };
    text.observe(schedule);
    return () => {
      cancelAnimationFrame(frame);
      text.unobserve(schedule);
    };
  }, [view, connection.doc, threads]);

  useEffect(() => {
    if (!view) return;
    const onUp = () => {
      const { from, to } = view.state.selection.main;
      setSelection(to > from ? { from, to } : null);
    };
    view.dom.addEventListener('mouseup', onUp);
    view.dom.addEventListener('keyup', onUp);
    return () => {
      view.dom.removeEventListener('mouseup', onUp);
      view.dom.removeEventListener('keyup', onUp);
    };
  }, [view]);

  const commentOnSelection = async (body: string) => {
    if (!selection) return;
    const text = connection.doc.getText(DOC_KEYS.script);
    const rel = (index: number, assoc: number) =>
      toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index, assoc)));
    await api(`/projects/${projectId}/comments`, commentResponseSchema, {
      method: 'POST',
      json: {
        body,
        anchor: {
          kind: 'script',
          from: selection.from,
          to: selection.to,
          start: rel(selection.from, 0),
          end: rel(selection.to, -1),
        },
      },
    });
    setSelection(null);
  };

  return (
    <section className="script-comments" aria-label="Script comments">
      <h2 className="small muted">Comments ({threads.length})</h2>
      {canComment && selection && (
        <CommentComposer
          label="Comment on the selection"
          submitLabel="Comment on selection"
          onSubmit={commentOnSelection}
        />
      )}
      {canComment && !selection && <p className="muted small">Select text to comment on it.</p>}
      {threads.map((t) => (
        <CommentThread key={t.root.id} root={t.root} replies={t.replies} />
      ))}
    </section>
  );
}
