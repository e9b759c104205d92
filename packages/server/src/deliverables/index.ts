export { type CommentMarkerRow, commentMarkers } from './comment-markers';
export {
  type CompletedRender,
  loadRenderDeliverableSource,
  MAX_RENDER_MARKERS,
} from './load-render-deliverable-source';
