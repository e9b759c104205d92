import type { JobPayload } from '@clapboard/shared/jobs';
import type { Pipeline } from '../../jobs/pipeline';
import type { FrameDeps } from '../render/draw-scene-frame';
import { sceneFramesStep } from './scene-frames-step';

/**
 * `scene.frame`: one frame of a scene for its own seed, at the project's output size. The web
 * applies the output as the scene's `frameAssetId`, which a later render then shows as it is.
 */
export function sceneFramePipeline(deps: FrameDeps): Pipeline<JobPayload<'scene.frame'>> {
  return { type: 'scene.frame', steps: { frame: sceneFramesStep(deps) } };
}
