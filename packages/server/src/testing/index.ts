export { announceWorker } from './announce-worker';
export { type LessonMedia, makeLessonMedia } from './lesson-media-fixture';
export { editLesson, type SeededLesson, seedLesson } from './lesson-project-fixture';
export {
  insertLessonRender,
  type LessonRenderFixture,
  type LessonRenderFixtureInput,
} from './lesson-render-fixture';
export { readZip, unpackZip } from './read-zip';
export { sampleLectureAnalysis } from './sample-lecture-analysis';
export { type AnalysisResults, seedLectureAnalysis, seedLectureClips } from './seed-lecture-analysis';
export { createTestDatabase, type TestDatabase, testPrefix } from './test-database';
export { type TestServices, testServices } from './test-services';
export { until, waitFor } from './wait-for';
