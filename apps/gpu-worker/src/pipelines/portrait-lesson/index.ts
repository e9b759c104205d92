export { LESSON_FPS, type LessonDeps, PREVIEW_FPS } from './lesson-context';
export { portraitLessonPipeline } from './portrait-lesson-pipeline';
