import type {
  DialogueNode,
  DialoguePart,
  FountainDocument,
  FountainNode,
  SourceRange,
  TitlePageEntry,
} from './fountain-ast';
import {
  isBlank,
  isForcedSceneHeading,
  isLineBreak,
  isNaturalSceneHeading,
  isNaturalTransition,
  isPageBreak,
  readCharacterCue,
  SCENE_NUMBER_SUFFIX,
  startsTitlePage,
  TITLE_CONTINUATION,
  TITLE_KEY_LINE,
} from './fountain-syntax';
import { type SourceLine, splitLines } from './split-lines';

/**
 * Parses Fountain (https://fountain.io/syntax) into a typed tree with source ranges.
 *
 * Never throws: every string is some screenplay, unrecognised text becomes action. Line endings may
 * be `\n`, `\r\n` or `\r`. Follows the spec's blank-line rules (a scene heading, transition or
 * character cue must follow an empty line), with deliberate leniencies that real files need (see the
 * package README): a scene heading (natural prefix or forced `.`) needs no blank line after it;
 * `FADE OUT.`-style transitions are recognised without `>`; section, synopsis, note, boneyard and
 * page-break lines end the element before them even without a blank line; and notes or boneyard at
 * the very top of the file do not hide the title page after them.
 */
export function parseFountain(text: string): FountainDocument {
  return new FountainParser(text).parse();
}

/** A line that ends an action or speech even without a blank line before it. */
function isStructuralLine(trimmed: string): boolean {
  const c = trimmed.charCodeAt(0);
  return c === 35 /* # */ || c === 61 /* = */;
}

function normalizeNewlines(text: string): string {
  return text.indexOf('\r') >= 0 ? text.replace(/\r\n?/g, '\n') : text;
}

class FountainParser {
  private readonly lines: SourceLine[];
  private readonly elements: FountainNode[] = [];

  constructor(private readonly src: string) {
    this.lines = splitLines(src);
  }

  parse(): FountainDocument {
    const { titlePage, next } = this.parseTitlePage(this.leadingNotes());
    if (titlePage.length === 0) this.elements.length = 0;
    this.parseBody(titlePage.length > 0 ? next : 0);
    return { titlePage, elements: this.elements };
  }

  /**
   * Leniency: a file may open with notes or boneyard (`[[draft 3]]`) before its title page. Reads
   * such blocks when they start on line 1, with the blank lines after them, and returns the line
   * where a title page may begin. A file that opens with a blank line keeps the spec's rule (no
   * title page), which the serializer relies on to write a body that looks like `Key: value`.
   */
  private leadingNotes(): number {
    let i = 0;
    for (;;) {
      const t = this.lines[i]?.text.trim() ?? '';
      const block = t.startsWith('[[') ? this.closedBlock(i, '[[', ']]') : null;
      const bone = !block && t.startsWith('/*') ? this.closedBlock(i, '/*', '*/') : null;
      const end = block ?? bone;
      if (!end) return i;
      const type = block ? 'note' : 'boneyard';
      this.elements.push({ type, text: end.inner, range: this.range(i, end.line, end.offset) });
      i = end.line + 1;
      while (i < this.lines.length && isBlank(this.lines[i]!.text)) i++;
      if (i >= this.lines.length) return i;
    }
  }

  private range(first: number, last: number, end?: number): SourceRange {
    const a = this.lines[first]!;
    const b = this.lines[last]!;
    return { start: a.start, end: end ?? b.end, startLine: first + 1, endLine: last + 1 };
  }

  private parseTitlePage(from: number): { titlePage: TitlePageEntry[]; next: number } {
    const lines = this.lines;
    const first = lines[from]?.text ?? '';
    if (!startsTitlePage(first)) return { titlePage: [], next: 0 };
    const entries: TitlePageEntry[] = [];
    let i = from;
    for (; i < lines.length; i++) {
      const t = lines[i]!.text;
      if (isBlank(t)) break;
      const key = TITLE_KEY_LINE.exec(t);
      if (key && !TITLE_CONTINUATION.test(t)) {
        const value = key[2]!.trim();
        entries.push({ key: key[1]!.trim(), values: value ? [value] : [], range: this.range(i, i) });
      } else if (TITLE_CONTINUATION.test(t) && entries.length > 0) {
        const entry = entries[entries.length - 1]!;
        entry.values.push(t.trim());
        entry.range = this.range(entry.range.startLine - 1, i);
      } else {
        // Not a title page after all: the whole block is ordinary script text.
        return { titlePage: [], next: 0 };
      }
    }
    return { titlePage: entries, next: i };
  }

  private parseBody(from: number): void {
    const lines = this.lines;
    const n = lines.length;
    let prevBlank = true;
    let i = from;
    while (i < n) {
      const raw = lines[i]!.text;
      if (isBlank(raw)) {
        prevBlank = true;
        i++;
        continue;
      }
      const trimmed = raw.trim();
      const c = trimmed.charCodeAt(0);
      const next = this.structural(i, trimmed, c);
      if (next >= 0) {
        // Structural elements stand alone, so what follows them is read as if after a blank line;
        // this keeps parse(serialize(ast)) equal to ast, because the serializer separates all elements.
        prevBlank = true;
        i = next;
        continue;
      }
      const nextLine = i + 1 < n ? lines[i + 1]!.text : null;
      const nextBlank = nextLine === null || isBlank(nextLine);
      if (prevBlank && c !== 33 /* ! forces action */) {
        // Leniency: real files often put the action or a cue right under a heading, so a heading
        // prefix (or a forced `.`) makes a heading whether or not a blank line follows.
        if (isForcedSceneHeading(trimmed) || isNaturalSceneHeading(trimmed)) {
          this.pushSceneHeading(i, trimmed);
          i++;
          continue;
        }
        if (nextBlank && isNaturalTransition(trimmed)) {
          this.elements.push({ type: 'transition', text: trimmed, forced: false, range: this.range(i, i) });
          i++;
          continue;
        }
        if (nextLine !== null && this.continuesSpeech(i + 1)) {
          const cue = readCharacterCue(trimmed);
          if (cue) {
            i = this.parseDialogue(i, cue);
            prevBlank = false;
            continue;
          }
        }
      }
      i = this.parseAction(i);
      prevBlank = false;
    }
  }

  /** Elements recognised by their first character regardless of context. Returns the next line or -1. */
  private structural(i: number, trimmed: string, c: number): number {
    const lines = this.lines;
    if (c === 47 /* / */ && trimmed.charCodeAt(1) === 42) {
      const end = this.closedBlock(i, '/*', '*/');
      if (end) {
        this.elements.push({ type: 'boneyard', text: end.inner, range: this.range(i, end.line, end.offset) });
        return end.line + 1;
      }
    }
    if (c === 91 /* [ */ && trimmed.charCodeAt(1) === 91) {
      const end = this.closedBlock(i, '[[', ']]');
      if (end) {
        this.elements.push({ type: 'note', text: end.inner, range: this.range(i, end.line, end.offset) });
        return end.line + 1;
      }
    }
    if (c === 61 /* = */) {
      if (isPageBreak(trimmed)) {
        this.elements.push({ type: 'page_break', range: this.range(i, i) });
      } else {
        this.elements.push({ type: 'synopsis', text: trimmed.slice(1).trim(), range: this.range(i, i) });
      }
      return i + 1;
    }
    if (c === 35 /* # */) {
      let depth = 0;
      while (trimmed.charCodeAt(depth) === 35) depth++;
      this.elements.push({
        type: 'section',
        depth,
        text: trimmed.slice(depth).trim(),
        range: this.range(i, i),
      });
      return i + 1;
    }
    if (c === 126 /* ~ */) {
      const out: string[] = [];
      let j = i;
      while (j < lines.length) {
        const t = lines[j]!.text.trim();
        if (t.charCodeAt(0) !== 126) break;
        out.push(t.slice(1));
        j++;
      }
      this.elements.push({ type: 'lyrics', lines: out, range: this.range(i, j - 1) });
      return j;
    }
    if (c === 62 /* > */) {
      if (trimmed.length > 1 && trimmed.endsWith('<')) {
        const out: string[] = [];
        let j = i;
        while (j < lines.length) {
          const t = lines[j]!.text.trim();
          if (t.length < 2 || t.charCodeAt(0) !== 62 || !t.endsWith('<')) break;
          out.push(t.slice(1, -1).trim());
          j++;
        }
        this.elements.push({ type: 'centered', lines: out, range: this.range(i, j - 1) });
        return j;
      }
      this.elements.push({
        type: 'transition',
        text: trimmed.slice(1).trim(),
        forced: true,
        range: this.range(i, i),
      });
      return i + 1;
    }
    return -1;
  }

  /**
   * Finds the close of a `/* *\/` or `[[ ]]` block that starts line `i`, when nothing but whitespace
   * follows the close on its line. Notes may not contain a truly blank line (the spec asks for two
   * spaces there instead); boneyard may.
   */
  private closedBlock(
    i: number,
    open: string,
    close: string,
  ): { inner: string; line: number; offset: number } | null {
    const lines = this.lines;
    const line = lines[i]!;
    const openAt = line.start + line.text.indexOf(open);
    const closeAt = this.src.indexOf(close, openAt + open.length);
    if (closeAt < 0) return null;
    let j = i;
    while (j < lines.length && lines[j]!.end < closeAt + close.length) {
      if (open === '[[' && j > i && isBlank(lines[j]!.text) && !isLineBreak(lines[j]!.text)) return null;
      j++;
    }
    const last = lines[j]!;
    if (!isBlank(this.src.slice(closeAt + close.length, last.end))) return null;
    return {
      inner: normalizeNewlines(this.src.slice(openAt + open.length, closeAt)),
      line: j,
      offset: closeAt + close.length,
    };
  }

  private pushSceneHeading(i: number, trimmed: string): void {
    const forced = !isNaturalSceneHeading(trimmed);
    let text = forced ? trimmed.slice(1).trim() : trimmed;
    let sceneNumber: string | null = null;
    const m = SCENE_NUMBER_SUFFIX.exec(text);
    if (m) {
      sceneNumber = m[1]!;
      text = text.slice(0, m.index).trim();
    }
    this.elements.push({ type: 'scene_heading', text, sceneNumber, forced, range: this.range(i, i) });
  }

  /** Whether line `j` carries on an action or speech: not blank, or an explicit two-space break before more text. */
  private continues(j: number): boolean {
    const lines = this.lines;
    if (j >= lines.length) return false;
    const t = lines[j]!.text;
    if (!isBlank(t)) return !isStructuralLine(t.trim()) && !isPageBreak(t.trim());
    return isLineBreak(t) && j + 1 < lines.length && this.continues(j + 1);
  }

  private continuesSpeech(j: number): boolean {
    return this.continues(j) && !isLineBreak(this.lines[j]!.text);
  }

  private parseDialogue(i: number, cue: NonNullable<ReturnType<typeof readCharacterCue>>): number {
    const parts: DialoguePart[] = [];
    let j = i + 1;
    while (this.continues(j)) {
      const t = this.lines[j]!.text;
      const trimmed = t.trim();
      const range = this.range(j, j);
      if (isLineBreak(t)) parts.push({ kind: 'break', text: '', range });
      else if (trimmed.charCodeAt(0) === 40 && trimmed.endsWith(')'))
        parts.push({ kind: 'parenthetical', text: trimmed, range });
      else if (trimmed.charCodeAt(0) === 126) parts.push({ kind: 'lyric', text: trimmed.slice(1), range });
      else parts.push({ kind: 'text', text: trimmed, range });
      j++;
    }
    const node: DialogueNode = {
      type: 'dialogue',
      character: cue.name,
      extensions: cue.extensions,
      forced: cue.forced,
      dual: cue.dual,
      parts,
      range: this.range(i, j - 1),
    };
    this.elements.push(node);
    return j;
  }

  private parseAction(i: number): number {
    const lines = this.lines;
    const first = lines[i]!.text;
    const bang = first.indexOf('!');
    const forced = bang >= 0 && first.trimStart().charCodeAt(0) === 33;
    const out = [forced ? first.slice(bang + 1) : first];
    let j = i + 1;
    while (this.continues(j)) {
      out.push(lines[j]!.text);
      j++;
    }
    this.elements.push({ type: 'action', text: out.join('\n'), forced, range: this.range(i, j - 1) });
    return j;
  }
}
