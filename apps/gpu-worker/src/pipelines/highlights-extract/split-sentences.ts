import type { TimeSpan, TranscriptSentence, TranscriptWord } from '@clapboard/shared/highlights';

/** A pause between two words at least this long ends a sentence (seconds). */
export const SENTENCE_PAUSE_SEC = 0.3;
/** A sentence longer than this is split at its longest pause (seconds). */
export const MAX_SENTENCE_SEC = 25;

/**
 * Groups transcript words into sentences. A sentence ends at final punctuation when the
 * transcriber gives it (provider transcripts do), or at a pause of `SENTENCE_PAUSE_SEC` between
 * words or a VAD silence that long between them (PocketSphinx gives no punctuation, and a speaker
 * pauses at a full stop). Sentences longer than `MAX_SENTENCE_SEC` are split at their longest pause.
 */
export function splitSentences(
  words: readonly TranscriptWord[],
  silences: readonly TimeSpan[] = [],
): TranscriptSentence[] {
  const breaks: number[] = []; // index of the last word of each sentence
  const silenceBetween = (a: TranscriptWord, b: TranscriptWord) =>
    silences.some(
      (s) => s.startSec >= a.endSec - 0.05 && s.endSec <= b.startSec + 0.05 && s.endSec > s.startSec,
    );
  for (let i = 0; i < words.length - 1; i++) {
    const a = words[i]!;
    const b = words[i + 1]!;
    if (/[.?!]["')\]]?$/.test(a.word) || b.startSec - a.endSec >= SENTENCE_PAUSE_SEC || silenceBetween(a, b))
      breaks.push(i);
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
