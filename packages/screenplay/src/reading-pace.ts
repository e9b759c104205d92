/**
 * Reading pace used to estimate screen time from a script. These are the usual rules of thumb for
 * short-form video narration and screen direction, deliberately simple so writers can predict them:
 *
 * - dialogue is spoken at about 150 words a minute (2.5 words/s);
 * - action is "read" by the picture a little faster, 180 words a minute (3 words/s), because a
 *   described beat usually plays as one shot;
 * - every scene lasts at least `MIN_SCENE_SECONDS`, so a heading with one line still gets a frame
 *   on screen long enough to register.
 */
export const DIALOGUE_WORDS_PER_SECOND = 2.5;
export const ACTION_WORDS_PER_SECOND = 3;
export const MIN_SCENE_SECONDS = 2;

/**
 * Estimated screen time in seconds, rounded to a tenth.
 * @param dialogueWords words spoken (parentheticals excluded: they direct, they are not heard)
 * @param actionWords words of action, centered text and lyrics
 */
export function estimateSceneSeconds(dialogueWords: number, actionWords: number): number {
  const seconds = dialogueWords / DIALOGUE_WORDS_PER_SECOND + actionWords / ACTION_WORDS_PER_SECOND;
  return Math.max(MIN_SCENE_SECONDS, Math.round(seconds * 10) / 10);
}

/** Counts words the way a reader would: runs of letters/digits, apostrophes kept inside words. */
export function countWords(text: string): number {
  const m = text.match(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu);
  return m ? m.length : 0;
}
