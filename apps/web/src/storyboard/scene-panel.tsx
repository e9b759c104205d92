import { CAMERA_MOVES, MAX_SCENE_DURATION_SEC, SHOTS } from '@clapboard/shared/document';
import type { Job } from '@clapboard/shared/jobs';
import { useState } from 'react';
import { JobProgress } from '../components/job-progress';
import { UnavailableNote } from '../components/unavailable-note';
import { VoiceSelect, voiceHint } from '../components/voice-select';
import { ApiError } from '../lib/api-client';
import { useCan, useProject } from '../lib/project-context';
import { isCapabilityMissing, submitJob } from '../lib/submit-job';
import { useToasts } from '../lib/toasts';
import { useAsset } from '../lib/use-asset';
import { useJobType } from '../lib/use-job-types';
import { useJobWatch } from '../lib/use-job-watch';
import { useVoices } from '../lib/use-voices';
import { SceneFrameComments } from '../review/scene-frame-comments';
import type { SceneView } from './use-scenes';

/** One variation: a button that picks it once the job is done, its picture as soon as it exists. */
function VariationChoice(props: {
  assetId: string;
  chosen: boolean;
  onPick: () => void;
  n: number;
  disabled?: boolean;
}) {
  const asset = useAsset(props.assetId);
  const src = asset.data?.urls.thumbnail ?? asset.data?.urls.content;
  return (
    <button
      type="button"
      className={`variation${props.chosen ? ' chosen' : ''}`}
      aria-pressed={props.chosen}
      data-asset-id={props.assetId}
      disabled={props.disabled}
      onClick={props.onPick}
    >
      {src ? <img src={src} alt={`Variation ${props.n}`} /> : `Variation ${props.n}`}
    </button>
  );
}

/** Live view of a frame job; on completion offers its images (variations) or applies the frame. */
function FrameJob(props: { job: Job; scene: SceneView; onDone: () => void }) {
  const { socket } = useProject();
  const toasts = useToasts();
  const watched = useJobWatch(socket, props.job, (job) => {
    if (job.status !== 'completed') return toasts.push('error', `Frame job ${job.status}.`);
    const images = job.outputs.filter((o) => o.assetId);
    if (job.type === 'scene.frame' && images[0]?.assetId)
      props.scene.map.set('frameAssetId', images[0].assetId);
    toasts.push('success', job.type === 'scene.frame' ? 'New frame ready.' : 'Variations ready: pick one.');
  });
  const done = watched.job.status === 'completed';
  // Each variation shows as soon as the worker has drawn it; it can be picked once all are done
  // (a failed or cancelled job removes what it drew).
  const images = done ? watched.job.outputs.flatMap((o) => (o.assetId ? [o.assetId] : [])) : watched.previews;
  return (
    <div className="card inset">
      <JobProgress watched={watched} label={watched.job.type === 'scene.frame' ? 'Frame' : 'Variations'} />
      {watched.job.type === 'scene.variations' && images.length > 0 && (
        <fieldset className="variations">
          <legend className="sr-only">Pick a variation</legend>
          {images.map((id, i) => (
            <VariationChoice
              key={id}
              n={i + 1}
              assetId={id}
              disabled={!done}
              chosen={props.scene.frameAssetId === id}
              onPick={() => props.scene.map.set('frameAssetId', id)}
            />
          ))}
        </fieldset>
      )}
      {watched.job.status !== 'queued' && watched.job.status !== 'running' && (
        <button type="button" className="ghost small" onClick={props.onDone}>
          Close
        </button>
      )}
    </div>
  );
}

/**
 * Edits one scene: shot, camera, duration, voice, prompt, seed and notes are written straight into
 * the scene's Y.Map, so collaborators see each change as it is made. The voice is picked from the
 * workers' voices; empty means each character speaks with their own (see the Cast panel).
 */
export function ScenePanel({ scene, onClose }: { scene: SceneView; onClose: () => void }) {
  const { projectId } = useProject();
  const canEdit = useCan('document:write');
  const canRun = useCan('jobs:create');
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const voices = useVoices();
  const hint = voiceHint(voices);
  const frameType = useJobType('scene.frame');
  const variationsType = useJobType('scene.variations');
  const reasonOf = (t: typeof frameType) =>
    t.availability.state === 'unavailable' ? t.availability.reason : null;
  const frameReason = reasonOf(frameType);
  const variationsReason = reasonOf(variationsType);
  const set = (key: string, value: unknown) => scene.map.set(key, value);
  const start = async (type: 'scene.frame' | 'scene.variations') => {
    setError(null);
    try {
      const res = await submitJob(
        projectId,
        type,
        type === 'scene.frame' ? { sceneId: scene.id } : { sceneId: scene.id, count: 4 },
      );
      setJob(res.job);
    } catch (err) {
      // No worker runs it after all: ask again, so the buttons say so too.
      if (isCapabilityMissing(err)) (type === 'scene.frame' ? frameType : variationsType).recheck();
      setError(err instanceof ApiError ? err.message : 'Could not start the job.');
    }
  };
  const id = (k: string) => `scene-${scene.id}-${k}`;
  return (
    <aside className="scene-panel card" aria-labelledby={id('title')}>
      <div className="row spread">
        <h2 id={id('title')}>{scene.heading || 'Untitled scene'}</h2>
        <button type="button" className="ghost small" onClick={onClose} aria-label="Close scene panel">
          ×
        </button>
      </div>
      {scene.synopsis && <p className="muted small">{scene.synopsis}</p>}
      <fieldset disabled={!canEdit} className="form-grid">
        <label htmlFor={id('shot')}>
          Shot
          <select id={id('shot')} value={scene.shot} onChange={(e) => set('shot', e.target.value)}>
            {SHOTS.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label htmlFor={id('camera')}>
          Camera
          <select id={id('camera')} value={scene.camera} onChange={(e) => set('camera', e.target.value)}>
            {CAMERA_MOVES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label htmlFor={id('duration')}>
          Duration (seconds)
          <input
            id={id('duration')}
            type="number"
            min={0.5}
            max={MAX_SCENE_DURATION_SEC}
            step={0.5}
            value={scene.durationSec}
            onChange={(e) => {
              const v = Number(e.target.value);
              if (v > 0 && v <= MAX_SCENE_DURATION_SEC) set('durationSec', v);
            }}
          />
        </label>
        <label htmlFor={id('voice')}>
          Voice
          <VoiceSelect
            id={id('voice')}
            aria-label="Voice"
            value={scene.voice}
            voices={voices}
            automaticLabel="Automatic (character's voice)"
            describedBy={hint ? id('voice-hint') : undefined}
            onChange={(v) => set('voice', v)}
          />
          {hint && (
            <span id={id('voice-hint')} className="muted small">
              {hint}
            </span>
          )}
        </label>
        <label htmlFor={id('seed')}>
          Seed
          <input
            id={id('seed')}
            type="number"
            min={0}
            step={1}
            value={scene.seed ?? ''}
            onChange={(e) =>
              set('seed', e.target.value === '' ? null : Math.max(0, Math.floor(Number(e.target.value))))
            }
          />
        </label>
        <label htmlFor={id('prompt')} className="wide">
          Image prompt
          <textarea
            id={id('prompt')}
            rows={3}
            maxLength={2000}
            value={scene.imagePrompt}
            onChange={(e) => set('imagePrompt', e.target.value)}
          />
        </label>
        <label htmlFor={id('notes')} className="wide">
          Notes
          <textarea
            id={id('notes')}
            rows={3}
            maxLength={10_000}
            value={scene.notes}
            onChange={(e) => set('notes', e.target.value)}
          />
        </label>
      </fieldset>
      {canRun && (
        <div className="row">
          <button
            type="button"
            onClick={() => void start('scene.frame')}
            disabled={job?.status === 'running' || !!frameReason}
            aria-describedby={frameReason ? id('frame-unavailable') : undefined}
          >
            Regenerate frame
          </button>
          <button
            type="button"
            className="ghost"
            onClick={() => void start('scene.variations')}
            disabled={!!variationsReason}
            aria-describedby={variationsReason ? id('variations-unavailable') : undefined}
          >
            4 variations
          </button>
        </div>
      )}
      {canRun && frameReason && (
        <UnavailableNote
          id={id('frame-unavailable')}
          reason={frameReason}
          onRecheck={frameType.recheck}
          checking={frameType.checking}
        />
      )}
      {canRun && variationsReason && variationsReason !== frameReason && (
        <UnavailableNote
          id={id('variations-unavailable')}
          reason={variationsReason}
          onRecheck={variationsType.recheck}
          checking={variationsType.checking}
        />
      )}
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
      {job && <FrameJob key={job.id} job={job} scene={scene} onDone={() => setJob(null)} />}
      <section aria-label="Frame and comments" className="scene-panel-comments">
        <h3>Frame and comments</h3>
        <SceneFrameComments sceneId={scene.id} heading={scene.heading} frameAssetId={scene.frameAssetId} />
      </section>
    </aside>
  );
}
