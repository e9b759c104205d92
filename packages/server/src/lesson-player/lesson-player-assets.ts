import { readFileSync } from 'node:fs';

/** The player's static files; a page loads `player.css`, its runtime's script, then `player.js`. */
export const LESSON_PLAYER_FILES = [
  'player.js',
  'player.css',
  'runtime-scorm.js',
  'runtime-cmi5.js',
] as const;
export type LessonPlayerFile = (typeof LESSON_PLAYER_FILES)[number];

const cache = new Map<LessonPlayerFile, string>();

/** Gives the player's files to a runtime that cannot read them from disk (the edge bundle embeds them). */
export function provideLessonPlayerFiles(files: Record<LessonPlayerFile, string>): void {
  for (const name of LESSON_PLAYER_FILES) cache.set(name, files[name]);
}

/** Where the player's files are on disk (the edge build reads them from here to embed them). */
export const LESSON_PLAYER_DIR = new URL('./', import.meta.url);

/**
 * The text of one of the player's files, read once from beside this module (they are plain
 * browser files, shipped as they are into LMS packages and served by the API's share links).
 */
export function lessonPlayerFile(name: LessonPlayerFile): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
    cache.set(name, text);
  }
  return text;
}
