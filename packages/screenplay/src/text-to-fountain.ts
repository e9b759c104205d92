import { isNaturalSceneHeading, isUppercaseWord } from './fountain-syntax';

/** Lines of a screenplay laid out as printed text that are page furniture, not script. */
const PAGE_FURNITURE = /^(?:\d+[A-Z]?\.?|\(MORE\)|\(?CONTINUED\)?:?|CONTINUED: \(\d+\))$/i;
const LEADING_NUMBER = /^(\d+[A-Z]?)\s/;

/**
 * `12   INT. HOUSE - DAY   12`: a heading with its scene number printed in both margins. Read by
 * hand, not by a backreference regex, which backtracks cubically on long runs of spaces.
 */
function numberedHeading(line: string): { number: string; heading: string } | null {
  const number = LEADING_NUMBER.exec(line)?.[1];
  if (!number || line.length < 2 * number.length + 3 || !line.endsWith(number)) return null;
  if (!/\s/.test(line.charAt(line.length - number.length - 1))) return null;
  const heading = line.slice(number.length, line.length - number.length).trim();
  return isNaturalSceneHeading(heading) ? { number, heading } : null;
}
/** Share of lines indented by 10+ spaces that marks a printed (layout) screenplay. */
const LAYOUT_SHARE = 0.2;
/**
 * Longest line whose structure (page furniture, numbered headings, Markdown headings, speeches,
 * links) is looked at; longer lines are paragraphs of text and are kept as they are. Keeps every
 * pattern here linear in the file's size whatever a line holds.
 */
const MAX_STRUCTURED_LINE = 500;

/** Whether plain text is a screenplay laid out as printed (indented cues and dialogue), not Fountain. */
export function isLayoutText(text: string): boolean {
  const lines = text.split(/\r\n?|\n/).filter((l) => /\S/.test(l));
  const indented = lines.filter((l) => /^(?: {10,}|\t{2,})\S/.test(l)).length;
  return lines.length > 0 && indented / lines.length >= LAYOUT_SHARE;
}

/**
 * A screenplay exported as plain text (Final Draft or Word "save as text", a PDF's text): drops page
 * numbers, `(MORE)` and `CONTINUED` lines and form feeds, moves margin scene numbers to `#n#`, and
 * trims the layout indentation. Cues, dialogue and headings then read as Fountain because the layout
 * keeps the spec's blank lines.
 */
export function plainTextToFountain(text: string): string {
  const out: string[] = [];
  for (const raw of text.replace(/\f/g, '\n').split(/\r\n?|\n/)) {
    let line = raw.trim();
    if (line.length > MAX_STRUCTURED_LINE) {
      out.push(line);
      continue;
    }
    if (PAGE_FURNITURE.test(line)) continue;
    const numbered = numberedHeading(line);
    if (numbered) line = `${numbered.heading} #${numbered.number}#`;
    // Two blank lines in a row are one in Fountain; page furniture often leaves several.
    if (!line && out.at(-1) === '') continue;
    out.push(line);
  }
  return `${out.join('\n').trim()}\n`;
}

const MD_HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const MD_LIST = /^\s*(?:[-*+]|\d+[.)])\s+/;
/** `**BOB:** Hello.`, `BOB: Hello.`: a speaker and a line on one line, as Markdown scripts write them. */
const MD_SPEECH =
  /^(?:\*\*|__)?([\p{Lu}][\p{Lu}\p{N} .'’-]{0,40}?)(?:\s*\(([^()]+)\))?(?::(?:\*\*|__)?|(?:\*\*|__):)\s+(\S.*)$/u;
/^(?:\*\*|__)?([\p{Lu}][\p{Lu}\p{N} .'’-]{0,40}?)(?:\s*\(([^()]+)\))?:?(?:\*\*|__)?:?\s+(\S.*)$/u;

/** `<!-- x -->` → `/* x *\/`, by a scan (a regex would be quadratic on many unclosed comments). */
function htmlCommentsToBoneyard(text: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const open = text.indexOf('<!--', at);
    const close = open < 0 ? -1 : text.indexOf('-->', open + 4);
    if (close < 0) return out + text.slice(at);
    out += `${text.slice(at, open)}/*${text.slice(open + 4, close)}*/`;
    at = close + 3;
  }
}

/**
 * A script written in Markdown: the first level-1 heading at the top is the title; every other
 * heading starts a scene (a natural heading when it has an INT/EXT prefix, a forced `.` one
 * otherwise); `**NAME:** line` or `NAME: line` is a speech; list markers, block quotes, code fences,
 * rules, links and images are reduced to their text; `__bold__` becomes `**bold**` and HTML comments
 * become boneyard.
 */
export function markdownToFountain(text: string): string {
  const body: string[] = [];
  let title: string | null = null;
  const blank = () => {
    if (body.length > 0 && body.at(-1) !== '') body.push('');
  };
  for (const raw of htmlCommentsToBoneyard(text).split(/\r\n?|\n/)) {
    if (raw.length > MAX_STRUCTURED_LINE) {
      body.push(/^\s*[>#]/.test(raw) ? `!${raw.trim()}` : raw.trim());
      continue;
    }
    if (/^\s*(?:```|~~~)/.test(raw) || /^\s*(?:[-*_]\s*){3,}$/.test(raw)) continue;
    let line = raw
      .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
      .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
      .replace(/__(\S(?:.*?\S)?)__/g, '**$1**')
      .replace(/^\s*>\s?/, '')
      .replace(MD_LIST, '')
      .trim();
    const heading = MD_HEADING.exec(line);
    if (heading) {
      const words = heading[2]!.replace(/\*+/g, '').trim();
      if (heading[1] === '#' && title === null && body.every((l) => l === '')) {
        title = words;
        continue;
      }
      blank();
      body.push(isNaturalSceneHeading(words) ? words : `.${words.toUpperCase()}`);
      blank();
      continue;
    }
    const speech = MD_SPEECH.exec(line);
    if (speech && isUppercaseWord(speech[1]!.trim()) && !isNaturalSceneHeading(line)) {
      blank();
      const ext = speech[2] ? ` (${speech[2].trim()})` : '';
      body.push(`${speech[1]!.trim()}${ext}`, speech[3]!);
      blank();
      continue;
    }
    // A Markdown `>` quote or `#` must not turn into a Fountain transition or section.
    if (line.startsWith('>') || line.startsWith('#')) line = `!${line}`;
    if (!line) blank();
    else body.push(line);
  }
  const out = body.join('\n').trim();
  return `${title ? `Title: ${title}\n\n` : ''}${out}\n`;
}
