import type { JobPayload } from '@clapboard/shared/jobs';
import type { Pipeline } from '../../jobs/pipeline';
import type { FrameDeps } from '../render/draw-scene-frame';
import { sceneFramesStep } from './scene-frames-step';

/**
 * `scene.variations`: `count` frames of a scene for seeds seed, seed+1, …, shown side by side for
 * a user to pick one. The job's outputs are the images in seed order (`variation-1`, …).
 */
export function sceneVariationsPipeline(deps: FrameDeps): Pipeline<JobPayload<'scene.variations'>> {
  return { type: 'scene.variations', steps: { frame: sceneFramesStep(deps) } };
}
