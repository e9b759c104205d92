/** A run of text with the emphasis that applies to it, or an inline note / boneyard. */
export type InlineNode =
  | { type: 'text'; text: string; bold: boolean; italic: boolean; underline: boolean }
  | { type: 'note'; text: string }
  | { type: 'boneyard'; text: string };

const WORD_CHAR = /[\p{L}\p{N}]/u;

interface Style {
  bold: boolean;
  italic: boolean;
  underline: boolean;
}

/**
 * Deepest nesting of emphasis read; markers deeper stay literal. Bold, italic and underline nest
 * at most three deep in real text; the bound keeps parsing linear on hostile input (a long run of
 * alternating markers would otherwise cost the square of its length).
 */
const MAX_EMPHASIS_DEPTH = 6;

/** Characters the spec lets a writer escape with a backslash. */
const ESCAPABLE = new Set(['*', '_', '\\', '[', ']', '/', '#', '=', '!', '@', '~', '>', '<', '.', '^']);

/**
 * Splits one element's text into styled runs: `*italic*`, `**bold**`, `***bold italic***`,
 * `_underline_`, any nesting of those, `\*` escapes, inline `[[notes]]` and inline `/* boneyard *\/`.
 * Emphasis does not span line breaks (as the spec says); an unmatched marker stays literal text.
 */
export function parseInline(text: string): InlineNode[] {
  const out: InlineNode[] = [];
  // Notes and boneyard first: they may span lines and their contents are not styled. The leftmost
  // opener with a close wins; an opener with no close stays text, and so do all later ones of its
  // kind (so the scan is linear, where a lazy regex would rescan to the end for each one).
  const kinds = [
    { open: '[[', close: ']]', type: 'note' as const, live: true },
    { open: '/*', close: '*/', type: 'boneyard' as const, live: true },
  ];
  let last = 0;
  let pos = 0;
  for (;;) {
    let kind: (typeof kinds)[number] | null = null;
    let at = -1;
    for (const k of kinds) {
      const i = k.live ? text.indexOf(k.open, pos) : -1;
      if (i >= 0 && (at < 0 || i < at)) {
        kind = k;
        at = i;
      }
    }
    if (!kind) break;
    const close = text.indexOf(kind.close, at + 2);
    if (close < 0) {
      kind.live = false;
      continue;
    }
    if (at > last) styleLines(text.slice(last, at), out);
    out.push({ type: kind.type, text: text.slice(at + 2, close) });
    last = pos = close + 2;
  }
  if (last < text.length) styleLines(text.slice(last), out);
  return out;
}

function styleLines(text: string, out: InlineNode[]): void {
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    styleRun(line, { bold: false, italic: false, underline: false }, out, 0);
    if (i < lines.length - 1) pushText(out, '\n', { bold: false, italic: false, underline: false });
  });
}

function pushText(out: InlineNode[], text: string, style: Style): void {
  if (!text) return;
  const prev = out[out.length - 1];
  if (
    prev?.type === 'text' &&
    prev.bold === style.bold &&
    prev.italic === style.italic &&
    prev.underline === style.underline
  ) {
    prev.text += text;
    return;
  }
  out.push({ type: 'text', text, ...style });
}

/** Finds the unescaped closing `marker` after `from`, which must follow a non-space character. */
function findClose(s: string, marker: string, from: number): number {
  let i = from;
  while (i < s.length) {
    const at = s.indexOf(marker, i);
    if (at < 0) return -1;
    const before = s[at - 1];
    const escaped = countBackslashes(s, at) % 2 === 1;
    // A `*` run longer than the marker belongs to a different (stronger) marker.
    const longer =
      marker[0] === '*' &&
      (s[at + marker.length] === '*' || (before === '*' && countBackslashes(s, at - 1) % 2 === 0));
    // Like Markdown, `_` inside a word (snake_case) is not a marker.
    const intraword = marker === '_' && WORD_CHAR.test(s[at + 1] ?? '');
    if (at > from && before !== ' ' && before !== '\t' && !escaped && !longer && !intraword) return at;
    i = at + 1;
  }
  return -1;
}

function countBackslashes(s: string, at: number): number {
  let n = 0;
  while (at - 1 - n >= 0 && s[at - 1 - n] === '\\') n++;
  return n;
}

function styleRun(s: string, style: Style, out: InlineNode[], depth: number): void {
  let buf = '';
  let i = 0;
  // Where a search for each marker's close already failed: no close lies beyond it, so a later
  // opener of the same marker fails at once (keeps a line of unmatched markers linear).
  const noCloseFrom = new Map<string, number>();
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length && ESCAPABLE.has(s[i + 1]!)) {
      buf += s[i + 1];
      i += 2;
      continue;
    }
    if (ch === '*' || ch === '_') {
      let marker = ch;
      if (ch === '*') {
        let k = 1;
        while (k < 3 && s[i + k] === '*') k++;
        marker = '*'.repeat(k);
      }
      const after = s[i + marker.length];
      const opensWord = marker !== '_' || !WORD_CHAR.test(s[i - 1] ?? '');
      const from = i + marker.length;
      const failed = noCloseFrom.get(marker);
      if (
        opensWord &&
        after !== undefined &&
        after !== ' ' &&
        after !== '\t' &&
        depth < MAX_EMPHASIS_DEPTH &&
        (failed === undefined || from < failed)
      ) {
        const close = findClose(s, marker, from);
        if (close < 0) noCloseFrom.set(marker, from);
        if (close > 0) {
          pushText(out, buf, style);
          buf = '';
          const inner: Style =
            marker === '_'
              ? { ...style, underline: true }
              : {
                  bold: style.bold || marker.length >= 2,
                  italic: style.italic || marker.length !== 2,
                  underline: style.underline,
                };
          styleRun(s.slice(i + marker.length, close), inner, out, depth + 1);
          i = close + marker.length;
          continue;
        }
      }
      buf += marker;
      i += marker.length;
      continue;
    }
    buf += ch;
    i++;
  }
  pushText(out, buf, style);
}

/** Text without markup: emphasis markers, escapes, notes and boneyard removed. */
export function plainText(text: string): string {
  let out = '';
  for (const node of parseInline(text)) if (node.type === 'text') out += node.text;
  return out;
}
