import type { BlobStore } from '@clapboard/server/storage';
import { type Pipeline, type PipelineRegistry, pipelineRegistry } from '../jobs/pipeline';
import { assetsDerivePipeline } from './assets-derive';
import { type RenderDeps, renderVideoPipeline } from './render';
import { sceneFramePipeline, sceneVariationsPipeline } from './scene-frames';

/** Every pipeline this worker runs, by job type; render and frames need the runtime's models. */
export function builtInPipelines(deps: {
  store: BlobStore;
  render?: Omit<RenderDeps, 'store'>;
}): PipelineRegistry {
  const render = deps.render ? { ...deps.render, store: deps.store } : null;
  return pipelineRegistry([
    assetsDerivePipeline(deps) as Pipeline<never>,
    ...(render
      ? [
          renderVideoPipeline(render) as Pipeline<never>,
          sceneFramePipeline(render) as Pipeline<never>,
          sceneVariationsPipeline(render) as Pipeline<never>,
        ]
      : []),
  ]);
}
