export type { PlateDeps } from './plate-step';
export { renderVariantsPipeline } from './render-variants-pipeline';
