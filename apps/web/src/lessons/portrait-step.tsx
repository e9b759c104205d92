import type { LessonContent } from '@clapboard/shared/lessons';
import { useAsset } from '../lib/use-asset';
import { LikenessAsset } from './likeness-asset';

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
 * the person in it.
 */
export function PortraitStep(props: { lessonId: string; content: LessonContent; canEdit: boolean }) {
  return (
    <div className="lesson-step portrait-step">
      <p className="muted small">
        A clear, front-facing photo of one person, shoulders up, works best. The person must consent to their
        likeness being animated; rendering is blocked until their consent is recorded here.
      </p>
      <LikenessAsset
        kind="portrait"
        {...props}
        preview={(id) => <PortraitThumb assetId={id} />}
        empty={<p className="muted">No portrait yet.</p>}
      />
    </div>
  );
}
