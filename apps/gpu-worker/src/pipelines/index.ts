import type { BlobStore } from '@clapboard/server/storage';
import { type Pipeline, type PipelineRegistry, pipelineRegistry } from '../jobs/pipeline';
import { assetsDerivePipeline } from './assets-derive';

/** Every pipeline this worker runs, by job type. */
export function builtInPipelines(deps: { store: BlobStore }): PipelineRegistry {
  return pipelineRegistry([assetsDerivePipeline(deps) as Pipeline<never>]);
}
