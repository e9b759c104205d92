export { announceWorker } from './announce-worker';
export { sampleLectureAnalysis } from './sample-lecture-analysis';
export { type AnalysisResults, seedLectureAnalysis, seedLectureClips } from './seed-lecture-analysis';
export { createTestDatabase, type TestDatabase, testPrefix } from './test-database';
export { type TestServices, testServices } from './test-services';
