import type { TranscriptWord } from '@clapboard/shared/highlights';

/**
 * Index of the word being spoken at `sec` (the last word that started at or before it, while it
 * lasts or until the next begins), or -1 before the first. Binary search: words are in time order.
 */
export function wordAt(words: readonly Pick<TranscriptWord, 'startSec' | 'endSec'>[], sec: number): number {
  let lo = 0;
  let hi = words.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (words[mid]!.startSec <= sec) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
