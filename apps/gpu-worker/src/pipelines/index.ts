import type { BlobStore } from '@clapboard/server/storage';
import { type CatalogPipelines, catalogRegistry, type PipelineRegistry } from '../jobs/pipeline';
import { assetsDerivePipeline } from './assets-derive';
import { exportLmsPipeline } from './export-lms';
import { type RenderDeps, renderVideoPipeline } from './render';
import { sceneFramePipeline, sceneVariationsPipeline } from './scene-frames';

/** Every catalog pipeline, by job type; render and frames take the runtime's models. */
export function catalogPipelines(deps: {
  store: BlobStore;
  render: Omit<RenderDeps, 'store'>;
}): CatalogPipelines {
  const render = { ...deps.render, store: deps.store };
  return {
    'assets.derive': assetsDerivePipeline(deps),
    'render.video': renderVideoPipeline(render),
    'scene.frame': sceneFramePipeline(render),
    'scene.variations': sceneVariationsPipeline(render),
    'export.lms': exportLmsPipeline(deps),
  };
}

/** The registry a worker runs: the whole catalog. */
export function builtInPipelines(deps: {
  store: BlobStore;
  render: Omit<RenderDeps, 'store'>;
}): PipelineRegistry {
  return catalogRegistry(catalogPipelines(deps));
}
