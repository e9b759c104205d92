import type { LessonContent } from '@clapboard/shared/lessons';
import { useCan, useProject } from '../lib/project-context';
import { useAsset } from '../lib/use-asset';
import { AssetUpload } from './asset-upload';
import { ConsentPanel } from './consent-panel';
import { setLessonFields } from './lesson-doc';

/** The portrait's thumbnail (the full image while the thumbnail is not there). */
export function PortraitThumb({ assetId }: { assetId: string }) {
  const asset = useAsset(assetId);
  const src = asset.data?.urls.thumbnail ?? asset.data?.urls.content;
  if (asset.isError)
    return <p className="error small">The portrait was deleted from the project's assets.</p>;
  return (
    <div className="lesson-portrait" data-asset-id={assetId}>
      {src ? (
        <img src={src} alt="Lesson portrait" />
      ) : (
        <span className="muted small">Loading the portrait…</span>
      )}
    </div>
  );
}

/**
 * Step 1: the presenter's portrait (a photo with one face, facing the camera) and the consent of
 * the person in it. A new portrait clears the consent: a consent covers one image.
 */
export function PortraitStep(props: { lessonId: string; content: LessonContent; canEdit: boolean }) {
  const { projectId, connection } = useProject();
  const canUpload = useCan('assets:write') && props.canEdit;
  const { content } = props;
  return (
    <div className="lesson-step portrait-step">
      <p className="muted small">
        A clear, front-facing photo of one person, shoulders up, works best. The person must consent to their
        likeness being animated; rendering is blocked until their consent is recorded here.
      </p>
      <div className="row wrap">
        {content.portraitAssetId ? (
          <PortraitThumb assetId={content.portraitAssetId} />
        ) : (
          <p className="muted">No portrait yet.</p>
        )}
        {canUpload && (
          <AssetUpload
            projectId={projectId}
            label="Portrait file"
            buttonText={content.portraitAssetId ? 'Replace portrait' : 'Upload portrait'}
            accept="image/png,image/jpeg,image/webp"
            kinds={['image']}
            wrongKind="a portrait is a photo (PNG, JPEG or WebP)."
            onUploaded={(asset) =>
              setLessonFields(connection.doc, props.lessonId, {
                portraitAssetId: asset.id,
                portraitConsentId: null,
              })
            }
          />
        )}
      </div>
      {content.portraitAssetId && (
        <ConsentPanel
          kind="portrait"
          assetId={content.portraitAssetId}
          consentId={content.portraitConsentId}
          canEdit={props.canEdit}
          onChoose={(id) => setLessonFields(connection.doc, props.lessonId, { portraitConsentId: id })}
        />
      )}
    </div>
  );
}
