import type { Transcript } from '@clapboard/shared/highlights';
import type { Cue } from '../render/subtitle-files';

/** Most words on one subtitle (two short lines). */
const MAX_CUE_WORDS = 12;

/** Subtitle cues of a transcript: each sentence, cut into pieces of at most 12 words. */
export function subtitleCues(transcript: Transcript): Cue[] {
  const cues: Cue[] = [];
  for (const s of transcript.sentences)
    for (let i = s.firstWord; i <= s.lastWord; i += MAX_CUE_WORDS) {
      const words = transcript.words.slice(i, Math.min(s.lastWord, i + MAX_CUE_WORDS - 1) + 1);
      if (!words.length) continue;
      cues.push({
        startSec: words[0]!.startSec,
        endSec: words.at(-1)!.endSec,
        text: words.map((w) => w.word).join(' '),
      });
    }
  return cues;
}
