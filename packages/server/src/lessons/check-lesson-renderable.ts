import { LESSON_LIMITS, type LessonContent, narrationChars } from '@clapboard/shared/lessons';
import type { Sql } from '../db/connect-db';

/**
 * Why a lesson cannot be rendered, in words for the person who asked: `blocked` for what the team
 * can fix in the studio (no portrait, no live consent for it, no narration; the API answers 409),
 * `invalid` for content past the bounds (422).
 */
export interface LessonRenderProblem {
  kind: 'blocked' | 'invalid';
  message: string;
  field: string;
}

/**
 * Checks a lesson's content against what a `portrait.lesson` render needs: a live image asset of
 * the project as the portrait, a live (not revoked) portrait consent that covers exactly that
 * image, at least one section with narration and the narration bounds, and no cloned voice (no
 * worker of this version clones voices). The API runs it at submit, the worker's first step again
 * (a consent revoked meanwhile stops the render before anything costly runs).
 *
 * @returns the first problem, or null when the lesson can be rendered
 */
export async function checkLessonRenderable(
  sql: Sql,
  projectId: string,
  content: LessonContent,
): Promise<LessonRenderProblem | null> {
  const blocked = (message: string, field: string): LessonRenderProblem => ({
    kind: 'blocked',
    message,
    field,
  });
  if (!content.portraitAssetId)
    return blocked('The lesson has no portrait: upload one first.', 'portraitAssetId');
  const [asset] = await sql<{ kind: string }[]>`
    select kind from assets
    where id = ${content.portraitAssetId} and project_id = ${projectId} and deleted_at is null`;
  if (!asset)
    return blocked('The lesson\u2019s portrait no longer exists: upload it again.', 'portraitAssetId');
  if (asset.kind !== 'image')
    return blocked(`The lesson\u2019s portrait is a ${asset.kind} file, not an image.`, 'portraitAssetId');
  if (!content.portraitConsentId)
    return blocked('Record the consent of the person in the portrait before rendering.', 'portraitConsentId');
  const [consent] = await sql<
    { asset_id: string; kind: string; revoked_at: Date | null; subject_name: string }[]
  >`
    select asset_id, kind, revoked_at, subject_name from consents
    where id = ${content.portraitConsentId} and project_id = ${projectId}`;
  if (!consent)
    return blocked('The portrait\u2019s consent no longer exists: record it again.', 'portraitConsentId');
  if (consent.kind !== 'portrait' || consent.asset_id !== content.portraitAssetId)
    return blocked(
      'The consent on record covers another image: record one for this portrait.',
      'portraitConsentId',
    );
  if (consent.revoked_at)
    return blocked(
      `${consent.subject_name}\u2019s consent was revoked on ${consent.revoked_at.toISOString().slice(0, 10)}: record a new one to render.`,
      'portraitConsentId',
    );
  if (!content.sections.some((s) => s.narration.trim()))
    return blocked('The lesson has no narration: write at least one section in the Script step.', 'sections');
  const chars = narrationChars(content);
  if (chars > LESSON_LIMITS.maxTotalNarrationChars)
    return {
      kind: 'invalid',
      message: `The narration is ${chars} characters; the limit is ${LESSON_LIMITS.maxTotalNarrationChars}.`,
      field: 'sections',
    };
  if (content.voice.startsWith('clone:'))
    return blocked(
      'No worker of this version clones voices: pick one of the bundled voices in the Voice step.',
      'voice',
    );
  return null;
}
