import { LECTURE_LIMITS, type Lecture, lectureSchema } from '@clapboard/shared/highlights';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../lib/api-client';
import { formatBytes } from '../lib/format';
import { useCan, useProject } from '../lib/project-context';
import { submitJob } from '../lib/submit-job';
import { ensureSteeringMap } from './steering-doc';
import {
  forgetUpload,
  type PreviousUpload,
  type ResumableUploadHandle,
  startResumableUpload,
  unfinishedUploads,
} from './tus-upload';

type Phase = 'idle' | 'uploading' | 'paused' | 'creating' | 'error';

const titleOf = (name: string) => name.replace(/\.[^.]+$/, '').slice(0, LECTURE_LIMITS.maxTitleChars);

/**
 * A new lecture: a title and the video, uploaded resumably (progress, pause and resume, and after
 * a reload or a dropped connection, choosing the same file again goes on where it stopped); once
 * the video is an asset, the lecture is created and its steering map made in the document.
 */
export function LectureUpload({ onCreated }: { onCreated: (lecture: Lecture) => void }) {
  const { projectId, connection, socket } = useProject();
  const canDerive = useCan('jobs:create');
  const [title, setTitle] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [sent, setSent] = useState({ bytes: 0, total: 0 });
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [unfinished, setUnfinished] = useState<PreviousUpload[]>([]);
  // A new key clears the file input after a lecture is made (a file input cannot be set to empty).
  const [inputKey, setInputKey] = useState(0);
  const handle = useRef<ResumableUploadHandle | null>(null);

  useEffect(() => {
    void unfinishedUploads(projectId).then(setUnfinished);
  }, [projectId]);
  // Leaving the page pauses (the server keeps the bytes until the upload expires).
  useEffect(() => () => handle.current?.pause(), []);

  const pct = sent.total ? Math.floor((100 * sent.bytes) / sent.total) : 0;
  const busy = phase === 'uploading' || phase === 'paused' || phase === 'creating';

  async function finish(assetId: string) {
    setPhase('creating');
    // Thumbnails and the preview strip, as every upload gets them (best effort: the lecture does
    // not need them).
    if (canDerive) void submitJob(projectId, 'assets.derive', { assetId }).catch(() => {});
    try {
      const lecture = await api(`/projects/${projectId}/lectures`, lectureSchema, {
        method: 'POST',
        json: { title: title.trim() || 'Lecture', assetId },
      });
      ensureSteeringMap(connection.doc, lecture.id);
      setPhase('idle');
      setFile(null);
      setInputKey((k) => k + 1);
      setTitle('');
      setSent({ bytes: 0, total: 0 });
      setNote(null);
      void unfinishedUploads(projectId).then(setUnfinished);
      onCreated(lecture);
    } catch (err) {
      setPhase('error');
      setError(err instanceof ApiError ? err.message : 'Could not create the lecture.');
    }
  }

  async function start(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setNote(null);
    setPhase('uploading');
    handle.current = await startResumableUpload(
      projectId,
      file,
      {
        onProgress: (bytes, total) => setSent({ bytes, total }),
        onDone: (assetId) => void finish(assetId),
        onError: (message) => {
          setPhase('error');
          setError(message);
        },
        onResumed: () => setNote('Resuming your earlier upload of this file where it stopped.'),
      },
      socket,
    );
  }

  return (
    <form className="card lecture-upload" onSubmit={start} aria-labelledby="new-lecture-title">
      <h3 id="new-lecture-title">New lecture</h3>
      <p className="muted small">
        Upload a recorded lecture (up to {formatBytes(LECTURE_LIMITS.maxBytes)}). A dropped connection or a
        closed tab loses nothing: choose the same file again and the upload goes on where it stopped.
      </p>
      <div className="row wrap">
        <label className="grow">
          Title
          <input
            value={title}
            maxLength={LECTURE_LIMITS.maxTitleChars}
            placeholder="e.g. Thermodynamics, week 3"
            onChange={(e) => setTitle(e.target.value)}
            disabled={busy}
          />
        </label>
        <label className="grow">
          Lecture video
          <input
            key={inputKey}
            type="file"
            accept="video/*"
            disabled={busy}
            onChange={(e) => {
              const f = e.target.files?.[0] ?? null;
              setFile(f);
              if (f && !title.trim()) setTitle(titleOf(f.name));
            }}
          />
        </label>
      </div>
      {phase === 'idle' || phase === 'error' ? (
        <button type="submit" disabled={!file}>
          Upload lecture
        </button>
      ) : (
        <div className="row">
          {phase === 'uploading' && (
            <button
              type="button"
              className="ghost"
              onClick={() => {
                handle.current?.pause();
                setPhase('paused');
              }}
            >
              Pause
            </button>
          )}
          {phase === 'paused' && (
            <button
              type="button"
              onClick={() => {
                handle.current?.resume();
                setPhase('uploading');
              }}
            >
              Resume
            </button>
          )}
          {phase !== 'creating' && (
            <button
              type="button"
              className="ghost"
              onClick={() => {
                void handle.current?.cancel();
                setPhase('idle');
                setSent({ bytes: 0, total: 0 });
              }}
            >
              Cancel upload
            </button>
          )}
        </div>
      )}
      {(busy || sent.bytes > 0) && (
        <div className="upload-progress" data-phase={phase} data-percent={pct}>
          <progress max={100} value={pct} aria-label="Upload progress" aria-valuetext={`${pct}%`} />
          <span className="small muted">
            {phase === 'creating'
              ? 'Uploaded; creating the lecture…'
              : `${pct}% · ${formatBytes(sent.bytes)} of ${formatBytes(sent.total)}${phase === 'paused' ? ' · paused' : ''}`}
          </span>
        </div>
      )}
      {note && <p className="small muted">{note}</p>}
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
      {unfinished.length > 0 && !busy && (
        <div className="small">
          <p className="muted">Unfinished uploads from this browser (choose the same file to go on):</p>
          <ul className="plain">
            {unfinished.map((u) => (
              <li key={u.urlStorageKey} className="row">
                <span>
                  {u.metadata.filename ?? 'video'} {u.size ? `(${formatBytes(u.size)})` : ''}
                </span>
                <button
                  type="button"
                  className="ghost small"
                  onClick={() =>
                    void forgetUpload(u).then(() => unfinishedUploads(projectId).then(setUnfinished))
                  }
                >
                  Forget
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
