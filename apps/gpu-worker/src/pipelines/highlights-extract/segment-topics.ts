import type { LayoutSpan, Topic, TranscriptSentence, TranscriptWord } from '@clapboard/shared/highlights';
import { contentTerms, stem } from './text-terms';

/** Words per TextTiling pseudo-sentence. */
const W = 20;
/** A topic boundary moves to a slide change this close (seconds). */
const SNAP_TO_SLIDE_SEC = 20;
/** Shortest topic (seconds). */
const MIN_TOPIC_SEC = 30;

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [t, x] of a) {
    na += x * x;
    const y = b.get(t);
    if (y) dot += x * y;
  }
  for (const y of b.values()) nb += y * y;
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

function countTerms(words: readonly TranscriptWord[], from: number, to: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = from; i < to; i++) for (const t of contentTerms(words[i]!.word)) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

/**
 * TextTiling (Hearst 1997) over the transcript: the words in pseudo-sentences of 20, lexical
 * similarity of the `k` pseudo-sentences on each side of every gap, depth scores of the valleys,
 * and boundaries where the depth exceeds mean − sd/2. Returns boundary times (seconds), each at
 * the end of the sentence the gap falls in.
 */
export function textTilingBoundaries(
  words: readonly TranscriptWord[],
  sentences: readonly TranscriptSentence[],
): number[] {
  const n = Math.floor(words.length / W);
  if (n < 4) return [];
  const k = Math.max(2, Math.min(6, Math.floor(n / 6)));
  const scores: number[] = [];
  for (let g = 1; g < n; g++) {
    const left = countTerms(words, Math.max(0, g - k) * W, g * W);
    const right = countTerms(words, g * W, Math.min(n, g + k) * W);
    scores.push(cosine(left, right));
  }
  const depth = scores.map((s, i) => {
    let l = s;
    for (let j = i - 1; j >= 0 && scores[j]! >= l; j--) l = scores[j]!;
    let r = s;
    for (let j = i + 1; j < scores.length && scores[j]! >= r; j++) r = scores[j]!;
    return l - s + (r - s);
  });
  const mean = depth.reduce((a, b) => a + b, 0) / depth.length;
  const sd = Math.sqrt(depth.reduce((a, b) => a + (b - mean) ** 2, 0) / depth.length);
  const cut = mean - sd / 2;
  const times: number[] = [];
  depth.forEach((d, i) => {
    // A local maximum of depth above the cut-off.
    if (d <= cut || d <= 0 || d < (depth[i - 1] ?? 0) || d < (depth[i + 1] ?? 0)) return;
    const wordIndex = (i + 1) * W;
    const sentence = sentences.find((s) => s.firstWord <= wordIndex && wordIndex <= s.lastWord);
    if (sentence) times.push(sentence.firstWord === wordIndex ? sentence.startSec : sentence.endSec);
  });
  return times;
}

/**
 * Topic segments of the lecture: TextTiling boundaries, each moved to the nearest slide change
 * within 20 s (a lecturer changes slides when the topic changes), plus slide changes whose slide
 * text shares no term with the slide before; topics shorter than 30 s are merged into the one
 * before. Keyphrases are each topic's terms by TF-IDF against the other topics, terms also written
 * on the topic's slides counted double, as the slide's written form.
 */
export function segmentTopics(
  words: readonly TranscriptWord[],
  sentences: readonly TranscriptSentence[],
  layout: readonly LayoutSpan[],
  durationSec: number,
): Topic[] {
  const slideChanges = layout.slice(1).map((s) => s.startSec);
  const snapped = textTilingBoundaries(words, sentences).map((t) => {
    const near = slideChanges.filter((c) => Math.abs(c - t) <= SNAP_TO_SLIDE_SEC);
    return near.length ? near.sort((a, b) => Math.abs(a - t) - Math.abs(b - t))[0]! : t;
  });
  // Slides with a new subject: their terms do not meet the previous slide's.
  for (let i = 1; i < layout.length; i++) {
    const prev = new Set(contentTerms(layout[i - 1]!.slideText));
    const cur = contentTerms(layout[i]!.slideText);
    if (prev.size && cur.length >= 3 && !cur.some((t) => prev.has(t))) snapped.push(layout[i]!.startSec);
  }
  const bounds: number[] = [];
  for (const t of [...new Set(snapped)].sort((a, b) => a - b))
    if (t - (bounds.at(-1) ?? 0) >= MIN_TOPIC_SEC && durationSec - t >= MIN_TOPIC_SEC) bounds.push(t);
  const edges = [0, ...bounds, durationSec];
  const spans = edges.slice(0, -1).map((s, i) => ({ startSec: s, endSec: edges[i + 1]! }));

  // Term frequencies per topic (spoken) and the written form of each slide term.
  const written = new Map<string, string>();
  const perTopic = spans.map((span) => {
    const tf = new Map<string, number>();
    for (const w of words)
      if (w.startSec >= span.startSec && w.startSec < span.endSec)
        for (const t of contentTerms(w.word)) tf.set(t, (tf.get(t) ?? 0) + 1);
    const slideTerms = new Set<string>();
    for (const l of layout)
      if (l.startSec < span.endSec && l.endSec > span.startSec)
        for (const raw of l.slideText.split(/[^A-Za-z0-9]+/)) {
          const s = stem(raw);
          if (contentTerms(raw).length) {
            slideTerms.add(s);
            if (!written.has(s)) written.set(s, raw.toLowerCase());
          }
        }
    return { tf, slideTerms };
  });
  const df = new Map<string, number>();
  for (const { tf } of perTopic) for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  return spans.map((span, index) => {
    const { tf, slideTerms } = perTopic[index]!;
    const scored = [...tf]
      .map(([t, c]) => {
        const idf = Math.log((1 + spans.length) / (1 + (df.get(t) ?? 0))) + 1;
        return [t, c * idf * (slideTerms.has(t) ? 2 : 1)] as const;
      })
      .filter(([t, s]) => s > 0 && ((tf.get(t) ?? 0) >= 2 || slideTerms.has(t)))
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return {
      index,
      startSec: Math.round(span.startSec * 1000) / 1000,
      endSec: Math.round(span.endSec * 1000) / 1000,
      keyphrases: scored.slice(0, 10).map(([t]) => (written.get(t) ?? t).slice(0, 100)),
    };
  });
}
