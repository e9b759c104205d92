import type { LessonChapter, LessonQuiz, LmsFormat } from '@clapboard/shared/lessons';

/** Everything one LMS package is made of; files are local paths. */
export interface LmsPackageInput {
  format: LmsFormat;
  /** The lesson and the render the package plays (they make its stable identifiers). */
  lessonId: string;
  renderJobId: string;
  title: string;
  video: { file: string; durationSec: number };
  captions: string | null;
  poster: { file: string; mime: string } | null;
  chapters: readonly LessonChapter[];
  /** Share of the video that completes the lesson, in percent. */
  completionPercent: number;
  /** The quiz when it counts for completion (the lesson has one and the export includes it). */
  quiz: LessonQuiz | null;
}

/** Where the player and the media sit inside every package. */
export const PACKAGE_PATHS = {
  page: 'index.html',
  playerDir: 'player',
  video: 'media/lesson.mp4',
  captions: 'media/captions.vtt',
  /** Without its extension, which follows the poster's type. */
  posterBase: 'media/poster',
} as const;

/** The poster's path in the package for its MIME type. */
export function posterPath(mime: string): string {
  const ext = mime === 'image/png' ? 'png' : mime === 'image/webp' ? 'webp' : 'jpg';
  return `${PACKAGE_PATHS.posterBase}.${ext}`;
}

/** A short description an LMS shows beside the title. */
export function packageDescription(
  input: Pick<LmsPackageInput, 'video' | 'quiz' | 'completionPercent'>,
): string {
  const minutes = Math.max(1, Math.round(input.video.durationSec / 60));
  return `A narrated video lesson (about ${minutes} min). Complete it by watching ${input.completionPercent}% of the video${
    input.quiz ? ` and passing the quiz (${input.quiz.passPercent}% right answers)` : ''
  }.`;
}
