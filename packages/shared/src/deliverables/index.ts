export { buildEdl } from './build-edl';
export { buildFcpxml, FCPXML_VERSION } from './build-fcpxml';
export { buildOtio, OTIO_SCHEMAS } from './build-otio';
export {
  type CutEvent,
  type CutMarker,
  type CutScene,
  cutEvents,
  MARKER_TEXT_MAX,
  markerText,
  oneLine,
  type RenderCut,
} from './render-cut';
export {
  buildRenderDeliverable,
  RENDER_DELIVERABLE_KINDS,
  RENDER_DELIVERABLES,
  type RenderDeliverable,
  type RenderDeliverableKind,
  type RenderDeliverableSource,
  renderDeliverableKindSchema,
  renderDeliverableQuerySchema,
} from './render-deliverables';
