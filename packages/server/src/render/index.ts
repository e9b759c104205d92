export { checkRenderBounds, formatLength, type RenderBoundsReport } from './check-render-bounds';
export {
  estimateRenderLength,
  estimateSpeechEndSec,
  type RenderLengthEstimate,
} from './estimate-render-length';
export {
  type RenderDocumentContent,
  readCharacters,
  readRenderDocumentState,
  readSceneMap,
  sceneLabel,
} from './read-render-document';
export { RenderDocumentError, type RenderDocumentProblem } from './render-document-error';
