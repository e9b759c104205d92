import type { BlobStore } from '@clapboard/server/storage';
import { type Pipeline, type PipelineRegistry, pipelineRegistry } from '../jobs/pipeline';
import { assetsDerivePipeline } from './assets-derive';
import { type RenderDeps, renderVideoPipeline } from './render';

/** Every pipeline this worker runs, by job type; render needs the runtime's models. */
export function builtInPipelines(deps: {
  store: BlobStore;
  render?: Omit<RenderDeps, 'store'>;
}): PipelineRegistry {
  return pipelineRegistry([
    assetsDerivePipeline(deps) as Pipeline<never>,
    ...(deps.render ? [renderVideoPipeline({ ...deps.render, store: deps.store }) as Pipeline<never>] : []),
  ]);
}
