import { type CastMember, updateCharacter } from '@clapboard/screenplay';
import { noContentSchema } from '@clapboard/shared/api';
import { useQueryClient } from '@tanstack/react-query';
import { type DragEvent, useId, useRef, useState } from 'react';
import { VoiceSelect, voiceHint } from '../components/voice-select';
import { ApiError, api } from '../lib/api-client';
import { takePickedFiles } from '../lib/picked-files';
import { useCan, useProject, useRole } from '../lib/project-context';
import { uploadAsset } from '../lib/upload-asset';
import { useAsset } from '../lib/use-asset';
import { useVoices, type Voices } from '../lib/use-voices';
import { useCast } from './use-cast';

/** Image types the assets API recognises (it sniffs the bytes; this only filters the picker). */
const PORTRAIT_TYPES = 'image/png,image/jpeg,image/webp,image/gif';

function describeLines(member: CastMember): string {
  if (member.lines === 0) return 'No lines in the storyboard';
  const lines = `${member.lines} line${member.lines === 1 ? '' : 's'}`;
  return `${lines} · ${member.scenes} scene${member.scenes === 1 ? '' : 's'}`;
}

/** The portrait's thumbnail, or the character's initial while there is none (or it is gone). */
function Portrait({ member }: { member: CastMember }) {
  const asset = useAsset(member.portraitAssetId);
  const src = asset.data?.urls.thumbnail ?? asset.data?.urls.content;
  const missing = Boolean(member.portraitAssetId) && asset.isError;
  return (
    <div className="portrait" data-asset-id={member.portraitAssetId ?? undefined}>
      {src ? (
        <img src={src} alt={`Portrait of ${member.name}`} />
      ) : (
        <span className="portrait-placeholder" title={missing ? 'The portrait asset was deleted' : undefined}>
          {missing ? '?' : member.name.slice(0, 1)}
        </span>
      )}
    </div>
  );
}

/** One character: portrait with upload, replace and remove, and a voice picker. */
function CastCard(props: { member: CastMember; canEdit: boolean; voices: Voices; hintId?: string }) {
  const { member, canEdit } = props;
  const { projectId, connection } = useProject();
  const qc = useQueryClient();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);

  const upload = async (file: File) => {
    setError(null);
    if (file.type && !file.type.startsWith('image/')) {
      setError('Choose an image (PNG, JPEG, WebP or GIF).');
      return;
    }
    setProgress(0);
    try {
      const asset = await uploadAsset(projectId, file, setProgress);
      if (asset.kind !== 'image') {
        // Typed by its bytes, it is not a picture renders can cut out: do not keep it around.
        void api(`/assets/${asset.id}`, noContentSchema, { method: 'DELETE' }).catch(() => {});
        throw new ApiError(415, 'not_an_image', `${file.name} is not an image.`);
      }
      qc.setQueryData(['asset', asset.id], asset);
      void qc.invalidateQueries({ queryKey: ['assets', projectId] });
      updateCharacter(connection.doc, member.name, { portraitAssetId: asset.id });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The upload failed. Try again.');
    } finally {
      setProgress(null);
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (canEdit && file && progress === null) void upload(file);
  };

  return (
    <li
      className={`cast-member${dragging ? ' dragging' : ''}`}
      data-character={member.name}
      onDragOver={(e) => {
        if (!canEdit || !e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <Portrait member={member} />
      <div className="cast-body">
        <strong className="cast-name">{member.name}</strong>
        <span className="muted small">{describeLines(member)}</span>
        {canEdit && (
          <div className="row small">
            <input
              ref={input}
              id={`${id}-file`}
              type="file"
              accept={PORTRAIT_TYPES}
              className="sr-only"
              tabIndex={-1}
              aria-label={`Portrait file for ${member.name}`}
              onChange={(e) => {
                const [file] = takePickedFiles(e);
                if (file) void upload(file);
              }}
            />
            <button
              type="button"
              className="ghost small"
              disabled={progress !== null}
              onClick={() => input.current?.click()}
            >
              {member.portraitAssetId ? 'Replace portrait' : 'Upload portrait'}
              <span className="sr-only"> for {member.name}</span>
            </button>
            {member.portraitAssetId && (
              <button
                type="button"
                className="ghost small"
                disabled={progress !== null}
                onClick={() => updateCharacter(connection.doc, member.name, { portraitAssetId: null })}
              >
                Remove<span className="sr-only"> portrait of {member.name}</span>
              </button>
            )}
          </div>
        )}
        {progress !== null && (
          <progress max={1} value={progress} aria-label={`Uploading portrait for ${member.name}`} />
        )}
        {error && (
          <span className="error small" role="alert">
            {error}
          </span>
        )}
        <label htmlFor={`${id}-voice`} className="small">
          Voice
          <VoiceSelect
            id={`${id}-voice`}
            aria-label={`Voice for ${member.name}`}
            value={member.voice}
            voices={props.voices}
            automaticLabel="Automatic"
            disabled={!canEdit}
            describedBy={props.hintId}
            onChange={(voice) => updateCharacter(connection.doc, member.name, { voice })}
          />
        </label>
        <label htmlFor={`${id}-gender`} className="small">
          Gender
          <select
            id={`${id}-gender`}
            aria-label={`Gender of ${member.name}`}
            value={member.gender ?? ''}
            disabled={!canEdit}
            onChange={(e) =>
              updateCharacter(connection.doc, member.name, {
                gender: e.target.value === 'female' || e.target.value === 'male' ? e.target.value : null,
              })
            }
          >
            <option value="">Not stated (from the script)</option>
            <option value="female">Female</option>
            <option value="male">Male</option>
          </select>
        </label>
      </div>
    </li>
  );
}

/**
 * The Cast panel: every character renders will show (the `characters` map plus whoever speaks in a
 * shown scene), each with the portrait renders cut out and the voice their lines are spoken in.
 * Writes go into the character's Y.Map, so collaborators see them live; viewers and reviewers see
 * the cast read-only.
 */
export function CastPanel() {
  const { connection } = useProject();
  const cast = useCast(connection.doc);
  // Setting a portrait both uploads an asset and writes the document.
  const canWrite = useCan('document:write');
  const canUpload = useCan('assets:write');
  const canEdit = canWrite && canUpload;
  const role = useRole();
  const voices = useVoices();
  const hint = voiceHint(voices);
  const hintId = useId();
  return (
    <section className="cast card" aria-labelledby={`${hintId}-title`}>
      <div className="row spread">
        <h2 id={`${hintId}-title`}>Cast</h2>
        {!canEdit && role && (
          <span className="badge" role="note">
            Read-only ({role})
          </span>
        )}
      </div>
      <p className="muted small">
        Portraits are cut out for storyboard frames and renders; each character speaks in their voice
        (Automatic: the scene's voice, else one handed out per character, of their gender when it is set here
        or the script introduces them with it, e.g. "ANNA (30s, she/her)").
      </p>
      {hint && (
        <p id={hintId} className="muted small cast-hint">
          {hint}
        </p>
      )}
      {cast.length === 0 ? (
        <p className="muted small">
          No characters yet. Characters who speak in the script appear here once scenes are synced from it.
        </p>
      ) : (
        <ul className="cast-list" aria-label="Characters">
          {cast.map((m) => (
            <CastCard
              key={m.name}
              member={m}
              canEdit={canEdit}
              voices={voices}
              hintId={hint ? hintId : undefined}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
