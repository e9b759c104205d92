export { checkLessonRenderable, type LessonRenderProblem } from './check-lesson-renderable';
export { findLessonRender, type LessonRender, type LessonRenderFile } from './find-lesson-render';
export { LessonRenderError } from './lesson-render-error';
export { loadRenderLesson } from './load-render-lesson';
export { readLessonContent } from './read-lesson-content';
