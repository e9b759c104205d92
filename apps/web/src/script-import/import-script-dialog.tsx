import {
  SCRIPT_IMPORT_EXTENSIONS,
  type ScriptImportPreview,
  type ScriptImportReplaced,
} from '@clapboard/shared/script-import';
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../lib/api-client';
import { previewScriptImport } from '../lib/script-import';

const FORMAT_NAMES: Record<ScriptImportPreview['format'], string> = {
  fountain: 'Fountain',
  fdx: 'Final Draft',
  markdown: 'Markdown',
  text: 'plain-text screenplay',
};

const message = (err: unknown) => (err instanceof ApiError ? err.message : 'Could not read the file.');

/**
 * "Import script": pick a file, see the scenes it will create (read by the API, nothing written),
 * then confirm. `projectId` set means replacing that project's script; otherwise a new project is
 * created and a name field is shown (defaulting to the title page's title).
 */
export function ImportScriptDialog(props: {
  projectId?: string;
  onConfirm: (file: File, name: string | undefined) => Promise<void>;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<ScriptImportPreview | null>(null);
  const [storyboard, setStoryboard] = useState<ScriptImportReplaced['storyboard'] | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    ref.current?.showModal();
  }, []);

  const pick = async (f: File | undefined) => {
    setFile(f ?? null);
    setPreview(null);
    setError(null);
    if (!f) return;
    setBusy(true);
    try {
      const read = await previewScriptImport(f, props.projectId);
      setPreview(read.preview);
      setStoryboard(read.storyboard);
      setName(read.preview.title ?? f.name.replace(/\.[^.]+$/, ''));
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };
  const confirm = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm(file, props.projectId ? undefined : name.trim() || undefined);
    } catch (err) {
      setError(message(err));
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} className="card dialog" aria-labelledby="import-title" onClose={props.onClose}>
      <h2 id="import-title">
        {props.projectId ? 'Replace the script from a file' : 'New project from a script'}
      </h2>
      <p className="muted small">
        Fountain, Final Draft (.fdx), Markdown or a plain-text screenplay, up to 2 MB.
        {props.projectId && ' The current script is saved as a version first, so you can restore it.'}
      </p>
      <label>
        Script file{' '}
        <input
          type="file"
          accept={SCRIPT_IMPORT_EXTENSIONS.join(',')}
          onChange={(e) => void pick(e.currentTarget.files?.[0])}
          disabled={busy}
        />
      </label>
      {busy && !preview && <p className="muted">Reading the script…</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {preview && (
        <section aria-label="Import preview">
          <p>
            {FORMAT_NAMES[preview.format]}
            {preview.title && ` · “${preview.title}”`} · {preview.scenes.length} scene
            {preview.scenes.length === 1 ? '' : 's'} · {preview.characters.length} speaking character
            {preview.characters.length === 1 ? '' : 's'}
          </p>
          {preview.scenes.length === 0 && (
            <p className="muted small">
              No scene headings (INT. / EXT.) found: the storyboard will be empty.
            </p>
          )}
          <ol className="sync-lines" aria-label="Scenes to create">
            {preview.scenes.map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a list that never reorders, and headings repeat
              <li key={i}>
                <strong>{s.heading}</strong>{' '}
                <span className="muted small">
                  {s.lines} line{s.lines === 1 ? '' : 's'}
                  {s.characters.length > 0 && ` · ${s.characters.join(', ')}`}
                </span>
              </li>
            ))}
          </ol>
          {storyboard && (
            <section aria-label="Storyboard changes" className="small">
              <p>
                Storyboard: {storyboard.summary}.{' '}
                <span className="muted">Frames and notes stay with scenes whose heading is kept.</span>
              </p>
              {storyboard.lines.length > 0 && (
                <ul className="sync-lines">
                  {storyboard.lines.map((l) => (
                    <li key={l}>{l}</li>
                  ))}
                </ul>
              )}
            </section>
          )}
          {!props.projectId && (
            <label>
              Project name <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
            </label>
          )}
        </section>
      )}
      <div className="row">
        <button type="button" disabled={!preview || busy} onClick={() => void confirm()}>
          {props.projectId ? 'Replace script' : 'Create project'}
        </button>
        <button type="button" className="ghost" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
