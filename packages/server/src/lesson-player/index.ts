export {
  LESSON_PLAYER_DIR,
  LESSON_PLAYER_FILES,
  type LessonPlayerFile,
  lessonPlayerFile,
  provideLessonPlayerFiles,
} from './lesson-player-assets';
export {
  type LessonPageInput,
  type LessonPlayerRuntime,
  lessonPlayerFiles,
  renderLessonPage,
} from './render-lesson-page';
