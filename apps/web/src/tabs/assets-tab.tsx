import { type Asset, assetPageSchema, noContentSchema } from '@clapboard/shared/api';
import type { Job } from '@clapboard/shared/jobs';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type DragEvent, useRef, useState } from 'react';
import { DeriveJob } from '../assets/derive-job';
import { ApiError, api } from '../lib/api-client';
import { formatBytes, formatDuration } from '../lib/format';
import { takePickedFiles } from '../lib/picked-files';
import { useCan, useProject } from '../lib/project-context';
import { submitJob } from '../lib/submit-job';
import { useToasts } from '../lib/toasts';
import { uploadAsset } from '../lib/upload-asset';

const KINDS = ['all', 'image', 'video', 'audio', 'document'] as const;

interface Upload {
  id: number;
  name: string;
  fraction: number;
  error: string | null;
}

/** Full-size preview of one asset in a modal dialog. */
function AssetPreview({ asset, onClose }: { asset: Asset; onClose: () => void }) {
  return (
    <dialog
      open
      className="card dialog"
      aria-label={`Preview of ${asset.originalName ?? asset.kind}`}
      onClose={onClose}
    >
      <div className="row spread">
        <h2>{asset.originalName ?? asset.kind}</h2>
        <button type="button" className="ghost" onClick={onClose} aria-label="Close preview">
          ×
        </button>
      </div>
      {asset.kind === 'image' && (
        <img src={asset.urls.content} alt={asset.originalName ?? 'Image'} className="preview-large" />
      )}
      {asset.kind === 'video' && (
        // biome-ignore lint/a11y/useMediaCaption: user uploads come without captions
        <video src={asset.urls.content} controls className="preview-large" />
      )}
      {asset.kind === 'audio' && (
        // biome-ignore lint/a11y/useMediaCaption: user uploads come without captions
        <audio src={asset.urls.content} controls />
      )}
      {asset.kind === 'document' && (
        <a href={asset.urls.content} target="_blank" rel="noreferrer">
          Open document
        </a>
      )}
    </dialog>
  );
}

let uploadSeq = 1;

/** The Assets tab: upload with progress (button or drag and drop), filter by kind, preview, delete. */
export function AssetsTab() {
  const { projectId } = useProject();
  const qc = useQueryClient();
  const toasts = useToasts();
  const canWrite = useCan('assets:write');
  const canDelete = useCan('assets:delete');
  const [kind, setKind] = useState<(typeof KINDS)[number]>('all');
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [preview, setPreview] = useState<Asset | null>(null);
  const [dragging, setDragging] = useState(false);
  const canRun = useCan('jobs:create');
  const [derive, setDerive] = useState<{ job: Job; asset: Asset } | null>(null);
  const makePreviews = useMutation({
    mutationFn: (asset: Asset) =>
      submitJob(projectId, 'assets.derive', { assetId: asset.id }).then((r) => ({ job: r.job, asset })),
    onSuccess: (d) => setDerive(d),
    onError: (err) =>
      toasts.push('error', err instanceof ApiError ? err.message : 'Could not start the job.'),
  });
  const input = useRef<HTMLInputElement>(null);
  const assets = useQuery({
    queryKey: ['assets', projectId, kind],
    queryFn: () =>
      api(`/projects/${projectId}/assets?limit=100${kind === 'all' ? '' : `&kind=${kind}`}`, assetPageSchema),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/assets/${id}`, noContentSchema, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['assets', projectId] }),
    onError: (err) => toasts.push('error', err instanceof ApiError ? err.message : 'Could not delete.'),
  });

  const upload = (files: FileList | File[]) => {
    for (const file of Array.from(files)) {
      const id = uploadSeq++;
      setUploads((u) => [...u, { id, name: file.name, fraction: 0, error: null }]);
      const patch = (p: Partial<Upload>) =>
        setUploads((u) => u.map((x) => (x.id === id ? { ...x, ...p } : x)));
      uploadAsset(projectId, file, (fraction) => patch({ fraction })).then(
        () => {
          setUploads((u) => u.filter((x) => x.id !== id));
          toasts.push('success', `Uploaded ${file.name}.`);
          void qc.invalidateQueries({ queryKey: ['assets', projectId] });
        },
        (err) => patch({ error: err instanceof ApiError ? err.message : 'Upload failed.' }),
      );
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (canWrite && e.dataTransfer.files.length) upload(e.dataTransfer.files);
  };

  return (
    <div className="assets">
      <div className="row spread toolbar">
        <fieldset className="row filters" aria-label="Filter by kind">
          {KINDS.map((k) => (
            <button
              key={k}
              type="button"
              className={k === kind ? '' : 'ghost'}
              aria-pressed={k === kind}
              onClick={() => setKind(k)}
            >
              {k}
            </button>
          ))}
        </fieldset>
        {canWrite && (
          <>
            <label htmlFor="asset-upload" className="sr-only">
              Upload files
            </label>
            <input
              ref={input}
              id="asset-upload"
              type="file"
              multiple
              className="sr-only"
              onChange={(e) => {
                upload(takePickedFiles(e));
              }}
            />
            <button type="button" onClick={() => input.current?.click()}>
              Upload…
            </button>
          </>
        )}
      </div>
      {canWrite && (
        <section
          className={`dropzone${dragging ? ' dragging' : ''}`}
          aria-label="Drop files here to upload"
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          Drop images, video, audio or PDFs here
        </section>
      )}
      {uploads.length > 0 && (
        <ul className="uploads" aria-label="Uploads">
          {uploads.map((u) => (
            <li key={u.id}>
              <span>{u.name}</span>
              {u.error ? (
                <span className="error small" role="alert">
                  {u.error}{' '}
                  <button
                    type="button"
                    className="ghost small"
                    onClick={() => setUploads((x) => x.filter((y) => y.id !== u.id))}
                  >
                    Dismiss
                  </button>
                </span>
              ) : (
                <progress max={1} value={u.fraction} aria-label={`Uploading ${u.name}`} />
              )}
            </li>
          ))}
        </ul>
      )}
      {derive && (
        <DeriveJob
          key={derive.job.id}
          job={derive.job}
          asset={derive.asset}
          onClose={() => {
            setDerive(null);
            void qc.invalidateQueries({ queryKey: ['assets', projectId] });
          }}
        />
      )}
      {assets.isPending && <p className="muted">Loading assets…</p>}
      {assets.error && (
        <p className="error" role="alert">
          {assets.error.message}{' '}
          <button type="button" onClick={() => void assets.refetch()}>
            Retry
          </button>
        </p>
      )}
      {assets.data?.items.length === 0 && (
        <p className="muted">No {kind === 'all' ? '' : `${kind} `}assets yet.</p>
      )}
      <ul className="grid asset-grid">
        {assets.data?.items.map((a) => (
          <li key={a.id} className="card asset-card">
            <button
              type="button"
              className="thumb"
              onClick={() => setPreview(a)}
              aria-label={`Preview ${a.originalName ?? a.kind}`}
            >
              {a.urls.thumbnail ? (
                <img src={a.urls.thumbnail} alt="" loading="lazy" />
              ) : (
                <span aria-hidden="true">{a.kind}</span>
              )}
            </button>
            <strong className="small ellipsis">{a.originalName ?? a.id}</strong>
            <span className="muted small">
              {a.kind} · {formatBytes(a.byteSize)}
              {a.width ? ` · ${a.width}×${a.height}` : ''}
              {a.durationSec ? ` · ${formatDuration(a.durationSec)}` : ''}
            </span>
            {canRun && a.kind !== 'document' && (
              <button
                type="button"
                className="ghost small"
                onClick={() => makePreviews.mutate(a)}
                disabled={makePreviews.isPending}
              >
                Make previews
              </button>
            )}
            {canDelete && (
              <button
                type="button"
                className="ghost small"
                onClick={() => {
                  if (window.confirm(`Delete ${a.originalName ?? 'this asset'}?`)) remove.mutate(a.id);
                }}
              >
                Delete
              </button>
            )}
          </li>
        ))}
      </ul>
      {preview && <AssetPreview asset={preview} onClose={() => setPreview(null)} />}
    </div>
  );
}
