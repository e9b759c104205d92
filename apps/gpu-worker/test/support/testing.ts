export { ffprobe } from '@clapboard/server/media';
export { builtInPipelines } from '../../src/pipelines';
export { defaultRenderDeps } from '../../src/pipelines/render';
export { createWorker } from '../../src/worker';
export { wordErrorRate } from '../quality';
export { createJobHarness, type JobHarness, submitAsApi, waitFor } from './job-harness';
export { submitVariants, type TestProject, writeDocument } from './render-project';
export {
  buildSyntheticLecture,
  LECTURE_GAPS,
  LECTURE_SCENES,
  layoutAt,
  SPEAKER_PHOTO,
  type SyntheticLecture,
} from './synthetic-lecture';
