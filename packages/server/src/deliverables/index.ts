export {
  type CompletedRender,
  commentMarkers,
  loadRenderDeliverableSource,
  MAX_RENDER_MARKERS,
} from './load-render-deliverable-source';
