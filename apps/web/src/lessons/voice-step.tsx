import type { LessonContent } from '@clapboard/shared/lessons';
import { useId } from 'react';
import { VoiceSelect, voiceHint } from '../components/voice-select';
import { useProject } from '../lib/project-context';
import { useAsset } from '../lib/use-asset';
import { useVoices } from '../lib/use-voices';
import { setLessonFields } from './lesson-doc';
import { LikenessAsset } from './likeness-asset';

/** An uploaded voice sample, playable (through its signed URL). */
function SamplePlayer({ assetId }: { assetId: string }) {
  const asset = useAsset(assetId);
  if (!asset.data) return <span className="muted small">Loading the sample…</span>;
  return (
    // biome-ignore lint/a11y/useMediaCaption: a voice sample has no words to caption beyond its consent
    <audio
      controls
      preload="none"
      aria-label="Voice sample"
      data-asset-id={assetId}
      src={asset.data.urls.content}
    />
  );
}

/**
 * Step 2: the voice the presenter speaks with: a voice the live workers publish (the bundled
 * offline voices, plus a speech provider's when one is configured). A voice sample and its consent
 * can be kept with the lesson for a cloned voice; no worker of this version clones voices, and the
 * step says so rather than offering it.
 */
export function VoiceStep(props: { lessonId: string; content: LessonContent; canEdit: boolean }) {
  const { connection } = useProject();
  const voices = useVoices();
  const hint = voiceHint(voices);
  const id = useId();
  const { content } = props;
  return (
    <div className="lesson-step voice-step">
      <label htmlFor={`${id}-voice`}>
        Presenter's voice
        <VoiceSelect
          id={`${id}-voice`}
          value={content.voice}
          voices={voices}
          automaticLabel="Default voice of the worker"
          disabled={!props.canEdit}
          describedBy={hint ? `${id}-hint` : undefined}
          onChange={(voice) => setLessonFields(connection.doc, props.lessonId, { voice })}
        />
      </label>
      {hint && (
        <p id={`${id}-hint`} className="muted small">
          {hint}
        </p>
      )}
      <h3>Cloned voice (optional)</h3>
      <p className="muted small" role="note" data-testid="voice-clone-note">
        No worker here offers voice cloning, so the lesson speaks with the voice chosen above. You can keep a
        voice sample and its consent with the lesson for when a cloning provider is configured.
      </p>
      <LikenessAsset kind="voice" {...props} preview={(assetId) => <SamplePlayer assetId={assetId} />} />
    </div>
  );
}
