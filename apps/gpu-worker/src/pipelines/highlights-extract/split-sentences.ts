import type { TimeSpan, TranscriptSentence, TranscriptWord } from '@clapboard/shared/highlights';

/** A pause between two words at least this long ends a sentence (seconds). */
export const SENTENCE_PAUSE_SEC = 0.3;
/** A sentence longer than this is split at its longest pause (seconds). */
export const MAX_SENTENCE_SEC = 25;

/**
 * Groups transcript words into sentences. A sentence ends at final punctuation when the
 * transcriber gives it (provider transcripts do), or at a pause of `SENTENCE_PAUSE_SEC`: a VAD
 * silence that long between the words when `silences` are given (recognizers stretch word
 * timings over short pauses), else the gap between their timings. PocketSphinx gives no
 * punctuation, and a speaker pauses longer at a full stop than inside a sentence. Sentences longer than `MAX_SENTENCE_SEC` are split at their longest pause.
 */
export function splitSentences(
  words: readonly TranscriptWord[],
  silences: readonly TimeSpan[] = [],
): TranscriptSentence[] {
  const breaks: number[] = []; // index of the last word of each sentence
  // Recognizers stretch word timings over short pauses, so VAD's silence is the better measure.
  const silenceBetween = (a: TranscriptWord, b: TranscriptWord) =>
    silences.some(
      (s) => s.endSec - s.startSec >= SENTENCE_PAUSE_SEC && s.startSec >= a.startSec && s.endSec <= b.endSec,
    );
  for (let i = 0; i < words.length - 1; i++) {
    const a = words[i]!;
    const b = words[i + 1]!;
    const paused = silences.length ? silenceBetween(a, b) : b.startSec - a.endSec >= SENTENCE_PAUSE_SEC;
    if (/[.?!]["')\]]?$/.test(a.word) || paused) breaks.push(i);
  }
  if (words.length) breaks.push(words.length - 1);
  const sentences: TranscriptSentence[] = [];
  let first = 0;
  const emit = (from: number, to: number) => {
    const span = words.slice(from, to + 1);
    sentences.push({
      startSec: span[0]!.startSec,
      endSec: span.at(-1)!.endSec,
      text: span
        .map((w) => w.word)
        .join(' ')
        .slice(0, 5000),
      firstWord: from,
      lastWord: to,
    });
  };
  const split = (from: number, to: number) => {
    if (words[to]!.endSec - words[from]!.startSec <= MAX_SENTENCE_SEC || to === from) return emit(from, to);
    let at = from;
    let widest = -1;
    for (let i = from; i < to; i++) {
      const gap = words[i + 1]!.startSec - words[i]!.endSec;
      if (gap > widest) [widest, at] = [gap, i];
    }
    split(from, at);
    split(at + 1, to);
  };
  for (const last of breaks) {
    split(first, last);
    first = last + 1;
  }
  return sentences;
}
