import type { ConsentKind, LessonContent } from '@clapboard/shared/lessons';
import type { ReactNode } from 'react';
import { useCan, useProject } from '../lib/project-context';
import { AssetUpload } from './asset-upload';
import { ConsentPanel } from './consent-panel';
import { setLessonFields } from './lesson-doc';

/** Per kind of likeness: the lesson fields it fills and how its upload is offered. */
const LIKENESS = {
  portrait: {
    assetField: 'portraitAssetId',
    consentField: 'portraitConsentId',
    label: 'Portrait file',
    upload: 'Upload portrait',
    replace: 'Replace portrait',
    accept: 'image/png,image/jpeg,image/webp',
    kinds: ['image'],
    wrongKind: 'a portrait is a photo (PNG, JPEG or WebP).',
  },
  voice: {
    assetField: 'voiceSampleAssetId',
    consentField: 'voiceConsentId',
    label: 'Voice sample file',
    upload: 'Upload a voice sample',
    replace: 'Replace voice sample',
    accept: 'audio/wav,audio/mpeg,audio/ogg,audio/flac',
    kinds: ['audio'],
    wrongKind: 'a voice sample is a recording (WAV, MP3, OGG or FLAC).',
  },
} as const;

/**
 * A likeness the lesson uses (the portrait, or a voice sample): its preview, upload or replace
 * (owners and editors who may upload), and the consent that covers it. A new upload clears the
 * lesson's consent: a consent covers one asset.
 */
export function LikenessAsset(props: {
  kind: ConsentKind;
  lessonId: string;
  content: LessonContent;
  canEdit: boolean;
  /** Shown while there is an asset (thumbnail, player). */
  preview: (assetId: string) => ReactNode;
  /** Shown while there is none. */
  empty?: ReactNode;
}) {
  const { projectId, connection } = useProject();
  const canUpload = useCan('assets:write') && props.canEdit;
  const l = LIKENESS[props.kind];
  const assetId = props.content[l.assetField];
  const consentId = props.content[l.consentField];
  return (
    <>
      <div className="row wrap">
        {assetId ? props.preview(assetId) : props.empty}
        {canUpload && (
          <AssetUpload
            projectId={projectId}
            label={l.label}
            buttonText={assetId ? l.replace : l.upload}
            accept={l.accept}
            kinds={l.kinds}
            wrongKind={l.wrongKind}
            onUploaded={(asset) =>
              setLessonFields(connection.doc, props.lessonId, {
                [l.assetField]: asset.id,
                [l.consentField]: null,
              })
            }
          />
        )}
      </div>
      {assetId && (
        <ConsentPanel
          kind={props.kind}
          assetId={assetId}
          consentId={consentId}
          canEdit={props.canEdit}
          onChoose={(id) => setLessonFields(connection.doc, props.lessonId, { [l.consentField]: id })}
        />
      )}
    </>
  );
}
