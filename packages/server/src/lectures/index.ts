export { findLectureAnalysis, type LectureAnalysis, LectureAnalysisError } from './find-lecture-analysis';
export { findLectureVideo, type LectureVideo, LectureVideoError } from './find-lecture-video';
export { MAX_ANALYSIS_RESULT_BYTES, readAnalysisResult } from './read-analysis-result';
