/**
 * Line-level predicates shared by the parser and the serializer, so that "what would this line parse
 * as" has exactly one definition (the serializer uses them to decide when an element must be forced).
 */

const NON_WHITESPACE = /\S/;

/** Natural scene heading prefixes from the spec (INT, EXT, EST, INT./EXT, INT/EXT, I/E), any case. */
export const SCENE_HEADING_PREFIX = /^(?:int\.?\/ext|ext\.?\/int|i\/e|e\/i|int|ext|est)[. ]/i;

/** `#1#`, `#1A#`, `#I-1-A#`, `#110A.1#` at the end of a heading. */
export const SCENE_NUMBER_SUFFIX = /\s*#([\p{L}\p{N}.-]+)#\s*$/u;

/** Transitions a writer may type without `>`: the spec's "ends in TO:" plus the customary fade outs. */
const NATURAL_TRANSITION_WORDS = new Set(['FADE OUT.', 'FADE TO BLACK.', 'CUT TO BLACK.']);

/** Title page keys that identify a title page even when the first key is not mixed-case. */
const KNOWN_TITLE_KEYS = new Set([
  'title',
  'credit',
  'author',
  'authors',
  'source',
  'draft date',
  'date',
  'contact',
  'copyright',
  'notes',
  'revision',
  'revisions',
]);

export function isBlank(text: string): boolean {
  return !NON_WHITESPACE.test(text);
}

/** The spec's explicit line break: exactly two spaces on an otherwise empty line. */
export function isLineBreak(text: string): boolean {
  return text === '  ';
}

export function isPageBreak(trimmed: string): boolean {
  if (trimmed.length < 3) return false;
  for (let i = 0; i < trimmed.length; i++) if (trimmed.charCodeAt(i) !== 61) return false;
  return true;
}

/** Uppercase with at least one cased letter: `BOB`, `ÉLODIE`, `R2-D2`, but not `123` or `Bob`. */
export function isUppercaseWord(text: string): boolean {
  return text.toUpperCase() === text && text.toLowerCase() !== text;
}

export function isNaturalTransition(trimmed: string): boolean {
  return isUppercaseWord(trimmed) && (trimmed.endsWith('TO:') || NATURAL_TRANSITION_WORDS.has(trimmed));
}

export function isNaturalSceneHeading(trimmed: string): boolean {
  return SCENE_HEADING_PREFIX.test(trimmed);
}

export function isForcedSceneHeading(trimmed: string): boolean {
  return trimmed.length > 1 && trimmed.charCodeAt(0) === 46 && trimmed.charCodeAt(1) !== 46;
}

/** Key line of a title page: `Title: ...`, `Draft date:`. */
export const TITLE_KEY_LINE = /^([\p{L}][\p{L}\p{N} _'-]*):(.*)$/u;
/** Continuation value line of a title page: indented by a tab or three or more spaces. */
export const TITLE_CONTINUATION = /^(?:\t| {3,})\S/;

/**
 * A title page must start on the first line with a key we recognise or a short mixed-case key, so
 * that a script opening with `FADE IN:` or `Steel enters the code: ...` is not mistaken for one.
 */
export function startsTitlePage(firstLine: string): boolean {
  const m = TITLE_KEY_LINE.exec(firstLine);
  if (!m) return false;
  const key = m[1]!;
  // Unknown keys must look like a label (a few mixed-case words), not a sentence of action.
  return KNOWN_TITLE_KEYS.has(key.toLowerCase()) || (!isUppercaseWord(key) && key.split(' ').length <= 3);
}

export interface CharacterCue {
  name: string;
  extensions: string[];
  forced: boolean;
  dual: boolean;
}

const EXTENSIONS_TAIL = /^(?:\s*\([^()]*\))*\s*$/;
const EXTENSION = /\(([^()]*)\)/g;

/**
 * Reads a character cue (`@McCLANE (V.O.) ^`). Returns null when the line cannot be a natural cue and
 * is not forced with `@`.
 */
export function readCharacterCue(trimmed: string): CharacterCue | null {
  let s = trimmed;
  const forced = s.charCodeAt(0) === 64;
  if (forced) s = s.slice(1);
  let dual = false;
  if (s.endsWith('^')) {
    dual = true;
    s = s.slice(0, -1).trimEnd();
  }
  const paren = s.indexOf('(');
  let name = paren >= 0 ? s.slice(0, paren).trim() : s.trim();
  const tail = paren >= 0 ? s.slice(paren) : '';
  let extensions: string[] = [];
  if (tail && EXTENSIONS_TAIL.test(tail)) {
    for (const m of tail.matchAll(EXTENSION)) extensions.push(m[1]!.trim());
  } else if (tail) {
    if (!forced) return null;
    name = s.trim();
    extensions = [];
  }
  if (!forced) {
    if (!name || !isUppercaseWord(name) || name.endsWith('TO:')) return null;
  } else if (!name) {
    return null;
  }
  return { name, extensions, forced, dual };
}
