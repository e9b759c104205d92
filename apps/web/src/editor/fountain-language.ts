import { HighlightStyle, StreamLanguage, type StringStream, syntaxHighlighting } from '@codemirror/language';
import type { Extension } from '@codemirror/state';
import { Tag } from '@lezer/highlight';

/** Highlight tags for Fountain elements (fountain.io/syntax). */
export const fountainTags = {
  sceneHeading: Tag.define(),
  character: Tag.define(),
  dialogue: Tag.define(),
  parenthetical: Tag.define(),
  transition: Tag.define(),
  note: Tag.define(),
  section: Tag.define(),
  synopsis: Tag.define(),
  centered: Tag.define(),
  boneyard: Tag.define(),
};

interface FountainState {
  /** Inside a speech: lines until the next blank line are dialogue. */
  inDialogue: boolean;
  /** The previous line was blank (or this is the first line): a character cue may start here. */
  afterBlank: boolean;
  /** Inside `[[ … ]]` spanning lines. */
  inNote: boolean;
  /** Inside `/* … *\/` spanning lines. */
  inBoneyard: boolean;
  /** Style of the current line, decided at its start. */
  lineStyle: string | null;
}

const SCENE_HEADING = /^(?:int\.?\/ext|ext\.?\/int|i\/e|e\/i|int|ext|est)[. ]/i;
const CHARACTER = /^(?:@\S.*|[^a-z\n]*[A-Z][^a-z\n]*?)(?:\s*\([^)]*\))?\s*\^?$/;

/** Whole-line classification; `null` means "ordinary action". */
function lineKind(line: string, s: FountainState): keyof typeof fountainTags | 'dialogue-start' | null {
  const t = line.trim();
  if (t.startsWith('.') && !t.startsWith('..')) return 'sceneHeading';
  if (SCENE_HEADING.test(t)) return 'sceneHeading';
  if (t.startsWith('#')) return 'section';
  if (t.startsWith('=') && !t.startsWith('===')) return 'synopsis';
  if (t.startsWith('>') && t.endsWith('<')) return 'centered';
  if (t.startsWith('>')) return 'transition';
  if (s.afterBlank && /^[A-Z0-9 .'-]+TO:$/.test(t)) return 'transition';
  if (s.inDialogue) return /^\(.*\)$/.test(t) ? 'parenthetical' : 'dialogue';
  if (s.afterBlank && !t.startsWith('!') && CHARACTER.test(t) && /[A-Z@]/.test(t)) return 'dialogue-start';
  return null;
}

const fountainStream = StreamLanguage.define<FountainState>({
  name: 'fountain',
  startState: () => ({
    inDialogue: false,
    afterBlank: true,
    inNote: false,
    inBoneyard: false,
    lineStyle: null,
  }),
  copyState: (s) => ({ ...s }),
  blankLine: (s) => {
    s.inDialogue = false;
    s.afterBlank = true;
  },
  token(stream: StringStream, s: FountainState): string | null {
    // Notes and boneyard can open and close anywhere on a line and span lines.
    if (s.inBoneyard) {
      if (stream.skipTo('*/')) {
        stream.pos += 2;
        s.inBoneyard = false;
      } else stream.skipToEnd();
      return 'boneyard';
    }
    if (s.inNote) {
      if (stream.skipTo(']]')) {
        stream.pos += 2;
        s.inNote = false;
      } else stream.skipToEnd();
      return 'note';
    }
    if (stream.match('[[')) {
      s.inNote = true;
      return 'note';
    }
    if (stream.match('/*')) {
      s.inBoneyard = true;
      return 'boneyard';
    }
    if (stream.sol()) {
      const line = stream.string;
      const kind = lineKind(line, s);
      s.afterBlank = false;
      const style = kind === 'dialogue-start' ? 'character' : kind;
      if (kind === 'dialogue-start') s.inDialogue = true;
      if (kind === 'sceneHeading' || kind === 'transition' || kind === 'section') s.inDialogue = false;
      s.lineStyle = style;
    }
    const lineStyle = s.lineStyle;
    // Stop before an inline note so it gets its own style.
    const rest = stream.string.slice(stream.pos);
    const noteAt = rest.search(/\[\[|\/\*/);
    if (noteAt > 0) stream.pos += noteAt;
    else stream.skipToEnd();
    return lineStyle;
  },
  tokenTable: fountainTags,
});

const fountainHighlight = HighlightStyle.define([
  { tag: fountainTags.sceneHeading, color: '#f5c518', fontWeight: '700' },
  { tag: fountainTags.character, color: '#58a6ff', fontWeight: '600' },
  { tag: fountainTags.dialogue, color: '#e8eaf0' },
  { tag: fountainTags.parenthetical, color: '#d2a8ff', fontStyle: 'italic' },
  { tag: fountainTags.transition, color: '#ffa657', fontWeight: '600' },
  { tag: fountainTags.note, color: '#7ee787', fontStyle: 'italic' },
  { tag: fountainTags.boneyard, color: '#6e7681' },
  { tag: fountainTags.section, color: '#39c5cf', fontWeight: '600' },
  { tag: fountainTags.synopsis, color: '#9aa1b2', fontStyle: 'italic' },
  { tag: fountainTags.centered, color: '#e8eaf0', fontStyle: 'italic' },
]);

/** Fountain syntax highlighting: scene headings, characters, dialogue, parentheticals, transitions, notes. */
export function fountain(): Extension {
  return [fountainStream, syntaxHighlighting(fountainHighlight)];
}
