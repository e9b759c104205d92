import type { TimeSpan, TranscriptSentence } from '@clapboard/shared/highlights';

/** Lead-in and tail kept inside the pause around a clip (seconds), at most half the pause. */
const MARGIN_SEC = 0.3;

/** An end pause counts as the longest in reach when it is at least this share of it. */
const LONG_PAUSE_SHARE = 0.8;

/** A place a clip may start or end: a pause between two sentences. */
export interface Cut {
  /** Index of the sentence after the pause (sentences.length after the last one). */
  sentence: number;
  /** The pause: a VAD silence between the two sentences. */
  pause: TimeSpan;
}

/** A stretch of whole sentences between two pauses, before scoring. */
export interface CutSpan extends TimeSpan {
  firstSentence: number;
  lastSentence: number;
  pauseBeforeSec: number;
  pauseAfterSec: number;
}

/**
 * The pauses a clip may start or end in: for each sentence boundary (and before the first and
 * after the last sentence), the longest VAD silence lying wholly between the two sentences' words.
 * A boundary without such a silence is no place to cut (the words run on).
 */
export function sentenceCuts(sentences: readonly TranscriptSentence[], silences: readonly TimeSpan[]): Cut[] {
  const cuts: Cut[] = [];
  for (let i = 0; i <= sentences.length; i++) {
    const after = i > 0 ? sentences[i - 1]!.endSec : 0;
    const before = i < sentences.length ? sentences[i]!.startSec : Number.POSITIVE_INFINITY;
    const inside = silences
      .map((s) => ({ startSec: Math.max(s.startSec, after), endSec: Math.min(s.endSec, before) }))
      .filter((s) => s.endSec - s.startSec > 0.05)
      .sort((a, b) => b.endSec - b.startSec - (a.endSec - a.startSec));
    if (inside[0]) cuts.push({ sentence: i, pause: inside[0] });
  }
  return cuts;
}

/**
 * Candidate stretches of `[minSec, maxSec]` that start and end inside pauses at sentence
 * boundaries: from every cut, one candidate to the cut between `minSec` and `maxSec` later whose
 * pause is longest (a speaker's longest pause closes a thought), the earliest of those within 80 %
 * of the longest. Each starts `MARGIN_SEC` (at most half the pause) before its first word and ends as far after its
 * last, so both ends lie in silence and no word is cut.
 */
export function cutCandidates(
  sentences: readonly TranscriptSentence[],
  silences: readonly TimeSpan[],
  minSec: number,
  maxSec: number,
): CutSpan[] {
  const cuts = sentenceCuts(sentences, silences);
  const out: CutSpan[] = [];
  const len = (p: TimeSpan) => p.endSec - p.startSec;
  for (const [a, start] of cuts.entries()) {
    if (start.sentence >= sentences.length) break;
    const startSec = start.pause.endSec - Math.min(MARGIN_SEC, len(start.pause) / 2);
    const ends: Array<{ cut: Cut; endSec: number }> = [];
    for (const end of cuts.slice(a + 1)) {
      const endSec = end.pause.startSec + Math.min(MARGIN_SEC, len(end.pause) / 2);
      if (endSec - startSec > maxSec) break;
      if (endSec - startSec >= minSec) ends.push({ cut: end, endSec });
    }
    // The first end whose pause is nearly the longest in reach: a thought closes there, and a
    // later pause of the same length would only add the next one.
    const longest = Math.max(0, ...ends.map((e) => len(e.cut.pause)));
    const best = ends.find((e) => len(e.cut.pause) >= LONG_PAUSE_SHARE * longest);
    if (!best) continue;
    out.push({
      startSec: Math.round(startSec * 1000) / 1000,
      endSec: Math.round(best.endSec * 1000) / 1000,
      firstSentence: start.sentence,
      lastSentence: best.cut.sentence - 1,
      pauseBeforeSec: len(start.pause),
      pauseAfterSec: len(best.cut.pause),
    });
  }
  return out;
}
