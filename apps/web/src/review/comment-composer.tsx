import type { Member } from '@clapboard/shared/api';
import { useRef, useState } from 'react';
import { useProject } from '../lib/project-context';
import { useMembers } from '../lib/use-members';

/** The `@word` being typed right before the caret, if any. */
function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)@([\p{L}\p{N}_.-]{0,30})$/u.exec(text.slice(0, caret));
  return m ? { start: caret - m[2]!.length - 1, query: m[2]!.toLowerCase() } : null;
}

/**
 * A comment box with @mention autocomplete over the project's members: typing `@ri` offers Rita;
 * picking inserts `@[Rita](user:<id>)`, which the server checks and renders as a mention.
 */
export function CommentComposer(props: {
  label: string;
  placeholder?: string;
  submitLabel?: string;
  onSubmit: (body: string) => Promise<unknown>;
}) {
  const { projectId } = useProject();
  const [text, setText] = useState('');
  const [caret, setCaret] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const members = useMembers(projectId, { staleTime: 60_000 });
  const q = mentionQuery(text, caret);
  const matches = q
    ? (members.data?.items ?? []).filter((m) => m.name.toLowerCase().includes(q.query)).slice(0, 6)
    : [];

  const pick = (m: Member) => {
    if (!q) return;
    const token = `@[${m.name.replace(/[[\]]/g, '')}](user:${m.userId}) `;
    const next = text.slice(0, q.start) + token + text.slice(caret);
    setText(next);
    const at = q.start + token.length;
    setCaret(at);
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(at, at);
    });
  };
  const submit = async () => {
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit(text);
      setText('');
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not post the comment.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <textarea
        ref={area}
        aria-label={props.label}
        placeholder={
          props.placeholder ?? 'Comment… (@ to mention, **bold**, *italic*, `code`, [link](https://…))'
        }
        value={text}
        rows={2}
        onChange={(e) => {
          setText(e.target.value);
          setCaret(e.target.selectionStart);
        }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && matches.length > 0 && !e.shiftKey) {
            e.preventDefault();
            pick(matches[0]!);
          }
        }}
      />
      {matches.length > 0 && (
        <ul className="mention-list" aria-label="Mention a member">
          {matches.map((m) => (
            <li key={m.userId}>
              <button
                type="button"
                className="plain"
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => pick(m)}
              >
                {m.name} <span className="muted small">{m.role}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <button type="submit" disabled={busy || !text.trim()}>
          {props.submitLabel ?? 'Comment'}
        </button>
        {error && (
          <span className="error small" role="alert">
            {error}
          </span>
        )}
      </div>
    </form>
  );
}
