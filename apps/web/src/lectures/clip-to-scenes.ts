import { MAX_SCENE_DURATION_SEC, type Shot } from '@clapboard/shared/document';
import type { LayoutSpan, TimeSpan, Transcript } from '@clapboard/shared/highlights';

/** One storyboard scene made from a stretch of the clip. */
export interface ClipScene {
  /** Unique within the script: the lecture's title and where in the lecture it starts. */
  heading: string;
  shot: Shot;
  durationSec: number;
  /** Where it comes from, for the storyboard's notes. */
  notes: string;
  /** The lecture's seconds it covers. */
  startSec: number;
  endSec: number;
}

/** Longest scene made from a clip (seconds): longer runs of one layout are split at sentences. */
export const MAX_CLIP_SCENE_SEC = 15;
/** Who speaks in the Fountain the clip becomes. */
export const LECTURER = 'LECTURER';

/** A slide fills the frame: wide; picture-in-picture: medium; the speaker alone: close. */
const SHOT_OF: Record<LayoutSpan['kind'], Shot> = {
  slide: 'wide',
  'picture-in-picture': 'medium',
  speaker: 'close',
};

const clock = (sec: number) => {
  const s = Math.max(0, Math.round(sec));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
};
/** Text safe on one Fountain line: no line breaks, no forcing characters at the start. */
const oneLine = (text: string) =>
  text
    .replace(/\s+/g, ' ')
    .replace(/^[!@#~=>.[\]]+/, '')
    .trim();

/**
 * Turns a clip of an analysed lecture into storyboard scenes written as Fountain: the clip's
 * sentences (those whose middle lies inside it) grouped by the layout span they start in (a new
 * scene where the frame changes, and every MAX_CLIP_SCENE_SEC at most), each scene a heading with
 * the lecture's time, an action line saying what the frame shows (the slide's text when there is
 * one), a `=` synopsis, and the sentences as the LECTURER's dialogue. The shot follows the layout,
 * the duration the sentences' span.
 *
 * @returns the Fountain to append to the script and what each scene's storyboard fields should be
 * @throws when the clip holds no sentence (nothing to storyboard)
 */
export function clipToScenes(input: {
  title: string;
  clip: TimeSpan;
  transcript: Pick<Transcript, 'sentences'>;
  layout: readonly LayoutSpan[];
}): { fountain: string; scenes: ClipScene[] } {
  const { clip } = input;
  const inside = input.transcript.sentences.filter((s) => {
    const mid = (s.startSec + s.endSec) / 2;
    return mid >= clip.startSec && mid <= clip.endSec;
  });
  if (!inside.length) throw new Error('This clip holds no transcribed sentence to put in the storyboard.');
  const spanAt = (sec: number) =>
    input.layout.find((l) => sec >= l.startSec && sec < l.endSec) ?? input.layout.at(-1) ?? null;

  const groups: Array<{ span: LayoutSpan | null; sentences: typeof inside }> = [];
  for (const sentence of inside) {
    const span = spanAt(sentence.startSec);
    const last = groups.at(-1);
    const first = last?.sentences[0];
    if (last && last.span === span && first && sentence.endSec - first.startSec <= MAX_CLIP_SCENE_SEC)
      last.sentences.push(sentence);
    else groups.push({ span, sentences: [sentence] });
  }

  const title = oneLine(input.title).toUpperCase() || 'LECTURE';
  const blocks: string[] = [];
  const scenes = groups.map(({ span, sentences }) => {
    const startSec = sentences[0]!.startSec;
    const endSec = sentences.at(-1)!.endSec;
    const heading = `INT. LECTURE - ${title} - ${clock(startSec)}`;
    const kind = span?.kind ?? 'speaker';
    const slideText = span?.slideText ? oneLine(span.slideText).slice(0, 300) : '';
    const action =
      kind === 'speaker'
        ? 'The lecturer speaks to the camera.'
        : kind === 'slide'
          ? `A slide fills the frame${slideText ? `: "${slideText}"` : '.'}`
          : `The lecturer beside the slide${slideText ? `: "${slideText}"` : '.'}`;
    blocks.push(
      [
        heading,
        '',
        `= From ${clock(startSec)} to ${clock(endSec)} of the lecture.`,
        '',
        action,
        '',
        LECTURER,
        ...sentences.map((s) => oneLine(s.text)),
      ].join('\n'),
    );
    return {
      heading,
      shot: SHOT_OF[kind],
      durationSec: Math.min(MAX_SCENE_DURATION_SEC, Math.max(0.5, Math.round((endSec - startSec) * 10) / 10)),
      notes: `From the lecture "${oneLine(input.title)}", ${clock(startSec)}–${clock(endSec)}.`,
      startSec,
      endSec,
    };
  });
  return { fountain: `${blocks.join('\n\n')}\n`, scenes };
}
