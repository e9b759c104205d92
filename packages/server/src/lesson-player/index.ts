export { LESSON_PLAYER_FILES, type LessonPlayerFile, lessonPlayerFile } from './lesson-player-assets';
export {
  type LessonPageInput,
  type LessonPlayerRuntime,
  lessonPlayerFiles,
  renderLessonPage,
} from './render-lesson-page';
