export {
  type HighlightsExtractDeps,
  highlightsExtractPipeline,
  NO_TRANSCRIPTION_PROVIDER_REASON,
} from './highlights-extract-pipeline';
export { transcribeLecture } from './transcribe-lecture';
