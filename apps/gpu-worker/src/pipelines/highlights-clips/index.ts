export { highlightsClipsPipeline } from './highlights-clips-pipeline';
