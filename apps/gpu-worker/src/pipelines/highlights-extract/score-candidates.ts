import type {
  Candidate,
  LayoutSpan,
  Signal,
  Topic,
  TranscriptSentence,
  TranscriptWord,
} from '@clapboard/shared/highlights';
import type { CutSpan } from './cut-candidates';
import { type ProsodyTrack, prosodyOf } from './emphasis-features';
import { contentTerms, stem } from './text-terms';

/** Phrases a lecturer uses to flag what matters (matched on the lower-cased transcript). */
export const CUE_PHRASES = [
  'the key idea',
  'key point',
  'the main idea',
  'the big idea',
  'the most important',
  'in summary',
  'to summarize',
  'to sum up',
  'in conclusion',
  'the takeaway',
  'the bottom line',
  'remember',
  'keep in mind',
  'pay attention',
  'this is why',
  'what this means',
  'the trick is',
  'notice that',
] as const;

/**
 * Openings that make a sentence a question when the transcript has no punctuation: question words
 * only (a pause-split fragment often starts with "is" or "does" without asking anything).
 */
const QUESTION_START = /^(what|why|how|who|whom|which|where)\b/;

/** Raw (unnormalised) signal values and the facts behind each, for the reasons. */
interface Raw {
  keyphrase: number;
  terms: string[];
  emphasis: number;
  loudDb: number;
  pitchRatio: number;
  rateRatio: number;
  cue: number;
  cues: string[];
  questions: number;
  structure: number;
  atSlide: boolean;
  atTopic: boolean;
  oneTopic: boolean;
  pause: number;
}

export interface ScoreInput {
  spans: readonly CutSpan[];
  words: readonly TranscriptWord[];
  sentences: readonly TranscriptSentence[];
  topics: readonly Topic[];
  layout: readonly LayoutSpan[];
  prosody: ProsodyTrack | null;
}

const near = (t: number, times: readonly number[], within: number) =>
  times.some((x) => Math.abs(x - t) <= within);
const fmt = (n: number, digits = 1) => n.toFixed(digits);

/**
 * Scores candidate stretches on the five signals the shared `SIGNALS` names (the LLM's is added
 * separately), each normalised 0–1 across this lecture's candidates, with one sentence per signal
 * that stands out:
 * - keyphrase: slide terms spoken, each weighted by its IDF over the lecture's sentences, per word;
 * - emphasis: louder than the speaker's norm, livelier pitch, a rate off the norm (min–max scaled);
 * - cue: cue phrases and questions per minute;
 * - structure: starts at a slide change or topic start, stays in one topic, ends at a change;
 * - pause: the pauses before and after, up to 2 s each.
 */
export function scoreCandidates(input: ScoreInput): Candidate[] {
  const { spans, words, sentences, topics, layout, prosody } = input;
  // Terms written on any slide, and how rare each is across the spoken sentences (IDF).
  const slideTerms = new Map<string, string>();
  for (const l of layout)
    for (const raw of l.slideText.split(/[^A-Za-z0-9]+/))
      if (contentTerms(raw).length && !slideTerms.has(stem(raw)))
        slideTerms.set(stem(raw), raw.toLowerCase());
  const sentenceTerms = sentences.map((s) => new Set(contentTerms(s.text)));
  const idf = (t: string) =>
    Math.log((1 + sentences.length) / (1 + sentenceTerms.filter((set) => set.has(t)).length)) + 1;
  const slideChanges = layout.slice(1).map((l) => l.startSec);
  const topicStarts = topics.slice(1).map((t) => t.startSec);
  const lectureRate =
    words.length /
    Math.max(
      1,
      sentences.reduce((s, x) => s + (x.endSec - x.startSec), 0),
    );
  const whole = prosody ? prosodyOf(prosody, { startSec: 0, endSec: Number.MAX_SAFE_INTEGER }) : null;

  const raws: Raw[] = spans.map((span) => {
    const spanWords = words.filter((w) => w.startSec >= span.startSec && w.endSec <= span.endSec);
    const text = sentences
      .slice(span.firstSentence, span.lastSentence + 1)
      .map((s) => s.text)
      .join(' ')
      .toLowerCase();
    const minutes = Math.max(1 / 6, (span.endSec - span.startSec) / 60);
    // keyphrase
    let weight = 0;
    const terms = new Map<string, number>();
    for (const w of spanWords)
      for (const t of contentTerms(w.word))
        if (slideTerms.has(t)) {
          weight += idf(t);
          terms.set(slideTerms.get(t)!, (terms.get(slideTerms.get(t)!) ?? 0) + 1);
        }
    // cue
    const cues = CUE_PHRASES.filter((p) => text.includes(p));
    const cueHits = CUE_PHRASES.reduce((n, p) => n + (text.split(p).length - 1), 0);
    const questions = sentences
      .slice(span.firstSentence, span.lastSentence + 1)
      .filter(
        (s) =>
          s.text.trim().endsWith('?') ||
          (QUESTION_START.test(s.text.toLowerCase()) && s.lastWord - s.firstWord >= 3),
      ).length;
    // emphasis
    const p = prosody ? prosodyOf(prosody, span) : null;
    const loudDb = p && whole ? p.meanDb - whole.meanDb : 0;
    const pitchRatio = p && whole && whole.pitchSpreadSt > 0 ? p.pitchSpreadSt / whole.pitchSpreadSt : 1;
    const spoken = sentences
      .slice(span.firstSentence, span.lastSentence + 1)
      .reduce((s, x) => s + (x.endSec - x.startSec), 0);
    const rateRatio = lectureRate > 0 && spoken > 0 ? spanWords.length / spoken / lectureRate : 1;
    const emphasis = Math.max(0, loudDb) / 6 + Math.max(0, pitchRatio - 1) + Math.abs(rateRatio - 1);
    // structure
    const atSlide = near(span.startSec, slideChanges, 2);
    const atTopic = near(span.startSec, topicStarts, 2);
    const crossings = topicStarts.filter((t) => t > span.startSec + 3 && t < span.endSec - 3).length;
    const endsAtChange = near(span.endSec, [...slideChanges, ...topicStarts], 2);
    const structure = (atSlide || atTopic ? 0.5 : 0) + (crossings === 0 ? 0.3 : 0) + (endsAtChange ? 0.2 : 0);
    return {
      keyphrase: spanWords.length ? weight / spanWords.length : 0,
      terms: [...terms].sort((a, b) => b[1] - a[1]).map(([t]) => t),
      emphasis,
      loudDb,
      pitchRatio,
      rateRatio,
      cue: (cueHits + 0.5 * questions) / minutes,
      cues,
      questions,
      structure,
      atSlide,
      atTopic,
      oneTopic: crossings === 0,
      pause: Math.min(2, span.pauseBeforeSec) + Math.min(2, span.pauseAfterSec),
    };
  });

  const scale = (key: 'keyphrase' | 'cue' | 'structure' | 'pause') => {
    const max = Math.max(0, ...raws.map((r) => r[key]));
    return (r: Raw) => (max > 0 ? r[key] / max : 0);
  };
  const minMax = (key: 'emphasis') => {
    const vals = raws.map((r) => r[key]);
    const [lo, hi] = [Math.min(...vals), Math.max(...vals)];
    return (r: Raw) => (hi > lo ? (r[key] - lo) / (hi - lo) : 0);
  };
  const norm: Record<Exclude<Signal, 'llm'>, (r: Raw) => number> = {
    keyphrase: scale('keyphrase'),
    emphasis: minMax('emphasis'),
    cue: scale('cue'),
    structure: scale('structure'),
    pause: scale('pause'),
  };
  const r3 = (n: number) => Math.round(Math.min(1, Math.max(0, n)) * 1000) / 1000;

  return spans.map((span, i) => {
    const raw = raws[i]!;
    const signals = Object.fromEntries(
      (Object.keys(norm) as Array<keyof typeof norm>).map((s) => [s, r3(norm[s](raw))]),
    ) as Record<Exclude<Signal, 'llm'>, number>;
    const reasons: string[] = [];
    if (raw.cues.length) reasons.push(`Says ${raw.cues.map((c) => `“${c}”`).join(', ')}.`);
    if (raw.questions)
      reasons.push(`Asks ${raw.questions === 1 ? 'a question' : `${raw.questions} questions`}.`);
    if (raw.terms.length)
      reasons.push(
        `Speaks ${raw.terms.length} term${raw.terms.length === 1 ? '' : 's'} from the slides (${raw.terms.slice(0, 5).join(', ')}).`,
      );
    if (raw.atSlide) reasons.push('Starts at a slide change.');
    else if (raw.atTopic) reasons.push('Starts where a new topic begins.');
    if (raw.oneTopic) reasons.push('Stays within one topic.');
    if (span.pauseBeforeSec >= 1 || span.pauseAfterSec >= 1)
      reasons.push(
        `Clean pauses around it: ${fmt(span.pauseBeforeSec)} s before, ${fmt(span.pauseAfterSec)} s after.`,
      );
    if (raw.loudDb >= 1.5) reasons.push(`Spoken louder than usual (+${fmt(raw.loudDb)} dB).`);
    if (raw.pitchRatio >= 1.25)
      reasons.push(`Livelier pitch than usual (${fmt(raw.pitchRatio)}× the spread).`);
    if (Math.abs(raw.rateRatio - 1) >= 0.15)
      reasons.push(
        `Spoken ${raw.rateRatio > 1 ? 'faster' : 'slower'} than usual (${fmt(raw.rateRatio, 2)}× the rate).`,
      );
    const first = sentences[span.firstSentence]!;
    const last = sentences[span.lastSentence]!;
    const topic =
      topics.find((t) => t.startSec <= span.startSec + 0.5 && span.startSec + 0.5 < t.endSec) ?? topics[0];
    return {
      id: `c${Math.round(span.startSec * 1000)}-${Math.round(span.endSec * 1000)}`,
      startSec: span.startSec,
      endSec: span.endSec,
      text: words
        .slice(first.firstWord, last.lastWord + 1)
        .map((w) => w.word)
        .join(' ')
        .slice(0, 20_000),
      topicIndex: topic?.index ?? 0,
      signals,
      reasons: reasons.slice(0, 12).map((r) => r.slice(0, 500)),
      llmReason: null,
    };
  });
}
