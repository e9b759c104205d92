import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkLessonRenderable } from '@clapboard/server/lessons';
import { UnrecoverableError } from 'bullmq';
import type { StepDefinition } from '../../jobs/pipeline';
import { fetchAsset, projectAsset } from '../render/step-files';
import { type FaceRig, faceRig } from './face-rig';
import { type LessonDeps, type LessonParams, loadPinnedLesson } from './lesson-context';
import { normalizePortrait } from './portrait-card';

/** Smallest face the animation can work with (its box's height in the normalized portrait). */
export const MIN_FACE_PX = 64;

/** What the check hands on: the portrait it checked and the face found in it. */
export interface CheckValue {
  portraitAssetId: string;
  /** The portrait's content hash (part of later steps' cache keys). */
  portraitSha256: string;
  /** The face, in the pixels of the normalized portrait (`normalizePortrait`). */
  rig: FaceRig;
  score: number;
  /** How many faces were found (the largest one presents). */
  faces: number;
}

/**
 * First step of a lesson render, before anything costly: the lesson still may be rendered (its
 * portrait's consent live: a consent revoked since submit stops here) and the portrait shows a
 * face the animation can use. A portrait without one fails the job at once, with a sentence
 * saying what to upload instead; nothing else has run, and a failed step is not charged.
 */
export function checkStep(deps: LessonDeps): StepDefinition<LessonParams> {
  return {
    version: 1,
    run: async (ctx) => {
      ctx.report({ stage: 'checking the lesson', progress: 5 });
      const { content } = await loadPinnedLesson(ctx);
      const problem = await checkLessonRenderable(ctx.sql, ctx.projectId, content);
      if (problem) throw new UnrecoverableError(problem.message);
      const assetId = content.portraitAssetId!;
      const asset = await projectAsset(ctx as never, assetId);
      if (!asset)
        throw new UnrecoverableError('The lesson\u2019s portrait no longer exists: upload it again.');
      const file = join(ctx.scratchDir, 'portrait');
      await fetchAsset(ctx as never, deps.store, assetId, file);
      ctx.report({ stage: 'finding the face', progress: 30 });
      let image: Buffer;
      try {
        image = await normalizePortrait(file);
      } catch {
        throw new UnrecoverableError(
          'The portrait is not an image this worker can read: upload a JPEG or PNG.',
        );
      }
      await writeFile(join(ctx.scratchDir, 'portrait.png'), image);
      const detector = await deps.faces();
      const faces = await detector.detect(image);
      ctx.signal.throwIfAborted();
      if (!faces.length)
        throw new UnrecoverableError(
          'No face was found in the portrait, so it cannot be animated. Upload a photo where the presenter faces the camera, with the whole face visible and well lit.',
        );
      const face = faces.reduce((a, b) => (b.box.width * b.box.height > a.box.width * a.box.height ? b : a));
      if (face.box.height < MIN_FACE_PX)
        throw new UnrecoverableError(
          `The face in the portrait is too small to animate (${Math.round(face.box.height)} px high; at least ${MIN_FACE_PX} px are needed). Upload a closer photo of the presenter.`,
        );
      let rig: FaceRig;
      try {
        rig = faceRig(face);
      } catch (err) {
        throw new UnrecoverableError(
          `The face in the portrait could not be measured: ${(err as Error).message}`,
        );
      }
      ctx.report({ stage: 'face found', progress: 100 });
      const value: CheckValue = {
        portraitAssetId: assetId,
        portraitSha256: asset.sha256,
        rig,
        score: face.score,
        faces: faces.length,
      };
      return { outputs: [{ name: 'face', value }] };
    },
  };
}
