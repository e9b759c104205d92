import type { TranscriptWord } from '@clapboard/shared/highlights';
import type { Cue } from '../render/subtitle-files';
import type { ClipAspect } from './clip-geometry';

/** A word of the clip, timed from the clip's start. */
export interface ClipWord {
  word: string;
  startSec: number;
  endSec: number;
}

/** A caption shown at once: a few words, timed from the clip's start. */
export interface Phrase {
  startSec: number;
  endSec: number;
  words: ClipWord[];
}

/**
 * The transcript words heard in `[startSec, endSec)` of the lecture (a word counts when its middle
 * is inside), timed from the clip's start and clamped to it.
 */
export function clipWords(words: readonly TranscriptWord[], startSec: number, endSec: number): ClipWord[] {
  const duration = endSec - startSec;
  return words
    .filter((w) => {
      const mid = (w.startSec + w.endSec) / 2;
      return mid >= startSec && mid < endSec && w.word.trim() !== '';
    })
    .map((w) => ({
      word: w.word.trim(),
      startSec: Math.max(0, w.startSec - startSec),
      endSec: Math.min(duration, Math.max(w.startSec, w.endSec) - startSec),
    }));
}

/** Caption lines by aspect: how many characters fit a line at the caption size. */
const LINE_CHARS: Readonly<Record<ClipAspect, number>> = { '9:16': 18, '1:1': 18, '16:9': 32 };
/** A pause this long starts a new caption. */
const PHRASE_GAP_SEC = 0.6;
/** No caption stays longer than this. */
const PHRASE_MAX_SEC = 3.2;
/** A caption stays on after its last word by this much (or until the next one starts). */
const HOLD_SEC = 0.4;

/**
 * Groups words into captions a viewer reads at a glance: at most two lines of the aspect's width,
 * a new caption after a sentence ends, at a pause of 0.6 s or after 3.2 s.
 */
export function phrases(words: readonly ClipWord[], aspect: ClipAspect, clipSec: number): Phrase[] {
  const maxChars = LINE_CHARS[aspect] * 2;
  const out: Phrase[] = [];
  let current: ClipWord[] = [];
  const flush = () => {
    if (current.length)
      out.push({ startSec: current[0]!.startSec, endSec: current.at(-1)!.endSec, words: current });
    current = [];
  };
  for (const w of words) {
    const prev = current.at(-1);
    if (prev) {
      const chars = current.reduce((n, x) => n + x.word.length + 1, 0) + w.word.length;
      if (
        chars > maxChars ||
        /[.?!]$/.test(prev.word) ||
        w.startSec - prev.endSec >= PHRASE_GAP_SEC ||
        w.endSec - current[0]!.startSec > PHRASE_MAX_SEC
      )
        flush();
    }
    current.push(w);
  }
  flush();
  // Hold each caption a little after its last word, never into the next one or past the clip.
  return out.map((p, i) => ({
    ...p,
    endSec: Math.min(out[i + 1]?.startSec ?? clipSec, p.endSec + HOLD_SEC, clipSec),
  }));
}

/** Sidecar cues (SRT/VTT via `formatSrt`/`formatVtt`) from the captions. */
export function phraseCues(list: readonly Phrase[]): Cue[] {
  return list.map((p) => ({
    startSec: p.startSec,
    endSec: p.endSec,
    text: p.words.map((w) => w.word).join(' '),
  }));
}

/** ASS `h:mm:ss.cc`. */
function assTime(sec: number): string {
  const cs = Math.max(0, Math.round(sec * 100));
  const h = Math.floor(cs / 360_000);
  const m = Math.floor((cs % 360_000) / 6000);
  const s = Math.floor((cs % 6000) / 100);
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(cs % 100).padStart(2, '0')}`;
}

// Override blocks and line breaks are markup in ASS: spoken words never carry them.
const assText = (t: string) => t.replace(/[{}]/g, '').replace(/\\/g, '/');

/** Where captions sit and how large, by aspect, as fractions of the output. */
export const CAPTION_LAYOUT: Readonly<
  Record<ClipAspect, { fontOfShortSide: number; marginVOfHeight: number; marginHOfWidth: number }>
> = {
  // Vertical players cover the bottom fifth with their buttons and text: stay above it.
  '9:16': { fontOfShortSide: 0.075, marginVOfHeight: 0.2, marginHOfWidth: 0.07 },
  '1:1': { fontOfShortSide: 0.07, marginVOfHeight: 0.09, marginHOfWidth: 0.07 },
  '16:9': { fontOfShortSide: 0.065, marginVOfHeight: 0.08, marginHOfWidth: 0.07 },
};

/**
 * An ASS script (libass) of the captions for a `width`×`height` clip: bold white text with a dark
 * outline, bottom centre inside the aspect's safe margins, and each word turning gold as it is
 * spoken (karaoke timing from the word timings).
 */
export function assScript(
  list: readonly Phrase[],
  o: { width: number; height: number; aspect: ClipAspect },
): string {
  const l = CAPTION_LAYOUT[o.aspect];
  const short = Math.min(o.width, o.height);
  const font = Math.round(short * l.fontOfShortSide);
  const marginV = Math.round(o.height * l.marginVOfHeight);
  const marginH = Math.round(o.width * l.marginHOfWidth);
  const outline = Math.max(2, Math.round(font / 14));
  const events = list.map((p) => {
    // Each word's \k lasts until the next word starts (the last: until its own end).
    const parts = p.words.map((w, i) => {
      const until = p.words[i + 1]?.startSec ?? w.endSec;
      const cs = Math.max(1, Math.round((until - w.startSec) * 100));
      return `{\\k${cs}}${assText(w.word)}`;
    });
    return `Dialogue: 0,${assTime(p.startSec)},${assTime(p.endSec)},Caption,,0,0,0,,${parts.join(' ')}`;
  });
  return [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${o.width}`,
    `PlayResY: ${o.height}`,
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    // Colours are &HAABBGGRR: spoken words gold (primary), the rest white (secondary).
    `Style: Caption,DejaVu Sans,${font},&H0000D7FF,&H00FFFFFF,&H00101010,&H80000000,-1,0,0,0,100,100,0,0,1,${outline},${Math.round(outline / 2)},2,${marginH},${marginH},${marginV},1`,
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    ...events,
    '',
  ].join('\n');
}
