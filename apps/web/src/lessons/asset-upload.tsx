import { type Asset, type AssetKind, noContentSchema } from '@clapboard/shared/api';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { ApiError, api } from '../lib/api-client';
import { takePickedFiles } from '../lib/picked-files';
import { uploadAsset } from '../lib/upload-asset';

/**
 * A file picker that uploads to the project's assets with a progress bar, and keeps the upload only
 * when the server typed it as one of `kinds` (it sniffs the bytes; `accept` only filters the
 * picker). Errors are shown under it.
 */
export function AssetUpload(props: {
  projectId: string;
  /** Accessible name of the file input, e.g. "Portrait file". */
  label: string;
  /** Text of the button. */
  buttonText: string;
  accept: string;
  kinds: readonly AssetKind[];
  /** What a wrong file is told, e.g. "Choose a photo (PNG, JPEG or WebP)." */
  wrongKind: string;
  onUploaded: (asset: Asset) => void;
  disabled?: boolean;
}) {
  const qc = useQueryClient();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const upload = async (file: File) => {
    setError(null);
    setProgress(0);
    try {
      const asset = await uploadAsset(props.projectId, file, setProgress);
      if (!props.kinds.includes(asset.kind)) {
        void api(`/assets/${asset.id}`, noContentSchema, { method: 'DELETE' }).catch(() => {});
        throw new ApiError(415, 'wrong_kind', `${file.name}: ${props.wrongKind}`);
      }
      qc.setQueryData(['asset', asset.id], asset);
      void qc.invalidateQueries({ queryKey: ['assets', props.projectId] });
      props.onUploaded(asset);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The upload failed. Try again.');
    } finally {
      setProgress(null);
    }
  };
  return (
    <div className="asset-upload">
      <input
        ref={input}
        id={`${id}-file`}
        type="file"
        accept={props.accept}
        className="sr-only"
        tabIndex={-1}
        aria-label={props.label}
        onChange={(e) => {
          const [file] = takePickedFiles(e);
          if (file) void upload(file);
        }}
      />
      <button
        type="button"
        className="ghost small"
        disabled={props.disabled || progress !== null}
        onClick={() => input.current?.click()}
      >
        {props.buttonText}
      </button>
      {progress !== null && <progress max={1} value={progress} aria-label={`Uploading (${props.label})`} />}
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
