export { defaultRenderDeps, RENDER_QUALITY } from './default-render-deps';
export type { RenderDeps } from './render-context';
export type { RenderModels } from './render-models';
export { renderVideoPipeline } from './render-video';
