export { ffprobe } from '@clapboard/server/media';
export { wordErrorRate } from '../quality';
export {
  buildSyntheticLecture,
  LECTURE_GAPS,
  LECTURE_SCENES,
  layoutAt,
  SPEAKER_PHOTO,
  type SyntheticLecture,
} from './synthetic-lecture';
