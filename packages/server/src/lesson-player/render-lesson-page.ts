import { escapeHtml } from '@clapboard/shared/comment-markup';
import type { LessonChapter, LessonQuiz } from '@clapboard/shared/lessons';
import type { LessonPlayerFile } from './lesson-player-assets';

/** How the player records progress: an LMS's SCORM API, a cmi5 LRS, or not at all (a share link). */
export type LessonPlayerRuntime = 'scorm12' | 'scorm2004' | 'cmi5' | 'none';

/** The player files a page of `runtime` loads, in load order (stylesheet first). */
export function lessonPlayerFiles(runtime: LessonPlayerRuntime): LessonPlayerFile[] {
  const script: LessonPlayerFile[] =
    runtime === 'cmi5' ? ['runtime-cmi5.js'] : runtime === 'none' ? [] : ['runtime-scorm.js'];
  return ['player.css', ...script, 'player.js'];
}

export interface LessonPageInput {
  title: string;
  runtime: LessonPlayerRuntime;
  /** Where the page finds each file: relative paths in a package, absolute paths on the API. */
  urls: {
    video: string;
    captions: string | null;
    poster: string | null;
    /** The URL of a player file. */
    playerFile: (name: LessonPlayerFile) => string;
  };
  durationSec: number;
  /** Share of the video that completes the lesson, in percent. */
  completionPercent: number;
  chapters: readonly LessonChapter[];
  /** The quiz when it counts for completion, else null. */
  quiz: LessonQuiz | null;
  /** BCP 47 language of the lesson and its captions; default `en`. */
  lang?: string;
}

/** JSON that is safe inside a `<script>` element (no `</script>`, no line separators). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

/**
 * The player page: the video with its captions track, the chapter menu, the progress line and the
 * quiz area, the lesson's config as inert JSON, and the player's files. No inline script or style
 * runs, so the page works under a strict Content-Security-Policy (`script-src 'self'`).
 */
export function renderLessonPage(input: LessonPageInput): string {
  const lang = input.lang ?? 'en';
  const { urls } = input;
  const attr = (name: string, value: string | null) => (value ? ` ${name}="${escapeHtml(value)}"` : '');
  const files = lessonPlayerFiles(input.runtime);
  const config = {
    title: input.title,
    runtime: input.runtime,
    durationSec: input.durationSec,
    completionPercent: input.completionPercent,
    chapters: input.chapters,
    quiz: input.quiz,
  };
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
${files
  .filter((f) => f.endsWith('.css'))
  .map((f) => `<link rel="stylesheet" href="${escapeHtml(urls.playerFile(f))}">`)
  .join('\n')}
</head>
<body>
<main class="lesson" id="lesson">
<h1 class="lesson-title">${escapeHtml(input.title)}</h1>
<div class="lesson-stage">
<video id="lesson-video" controls playsinline preload="metadata"${attr('poster', urls.poster)}>
<source src="${escapeHtml(urls.video)}" type="video/mp4">
${urls.captions ? `<track kind="captions" src="${escapeHtml(urls.captions)}" srclang="${escapeHtml(lang)}" label="Captions" default>` : ''}
</video>
</div>
<nav class="lesson-chapters" aria-labelledby="lesson-chapters-title" hidden>
<h2 id="lesson-chapters-title">Chapters</h2>
<ol id="lesson-chapters"></ol>
</nav>
<p class="lesson-progress" id="lesson-progress" role="status" aria-live="polite"></p>
<section class="lesson-quiz" id="lesson-quiz" aria-label="Quiz" hidden></section>
</main>
<script type="application/json" id="lesson-config">${scriptJson(config)}</script>
${files
  .filter((f) => f.endsWith('.js'))
  .map((f) => `<script src="${escapeHtml(urls.playerFile(f))}"></script>`)
  .join('\n')}
</body>
</html>
`;
}
