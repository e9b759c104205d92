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
