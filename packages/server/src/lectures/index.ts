export { findLectureVideo, type LectureVideo, LectureVideoError } from './find-lecture-video';
