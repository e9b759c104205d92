export { ffprobe } from '@clapboard/server/media';
export { wordErrorRate } from '../quality';
export { createJobHarness, type JobHarness, submitAsApi, waitFor } from './job-harness';
export { submitVariants, type TestProject, writeDocument } from './render-project';
export { renderWorker } from './render-test-kit';
export {
  buildSyntheticLecture,
  LECTURE_GAPS,
  LECTURE_SCENES,
  layoutAt,
  SPEAKER_PHOTO,
  type SyntheticLecture,
} from './synthetic-lecture';
