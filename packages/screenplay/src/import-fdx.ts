import { fountainFromRuns, type StyledRun } from './fdx-styles';
import type {
  DialogueNode,
  FountainDocument,
  FountainNode,
  SourceRange,
  TitlePageEntry,
} from './fountain-ast';
import {
  isNaturalSceneHeading,
  isNaturalTransition,
  readCharacterCue,
  SCENE_NUMBER_SUFFIX,
} from './fountain-syntax';
import { childElements, parseXml, textContent, type XmlElement } from './parse-xml';

const NO_RANGE: SourceRange = { start: 0, end: 0, startLine: 0, endLine: 0 };

function runsOf(paragraph: XmlElement): StyledRun[] {
  return childElements(paragraph, 'Text').map((t) => {
    const style = (t.attributes.Style ?? '').split('+');
    const text = textContent(t).replace(/\r\n?/g, '\n');
    return {
      text: style.includes('AllCaps') ? text.toUpperCase() : text,
      bold: style.includes('Bold'),
      italic: style.includes('Italic'),
      underline: style.includes('Underline'),
    };
  });
}

/** Text of a `ScriptNote` (Final Draft keeps a note's text in paragraphs of its own). */
function noteText(note: XmlElement): string {
  return childElements(note, 'Paragraph')
    .map((p) => childElements(p, 'Text').map(textContent).join(''))
    .join('\n')
    .replace(/\r\n?/g, '\n')
    .trim();
}

/** Blocks embedded in a paragraph; Final Draft counts each as two characters of the script's text. */
const EMBEDDED = new Set(['DualDialogue', 'OmittedScene']);

/**
 * Where each top-level paragraph starts in the script's text as Final Draft measures a note's
 * `Range`: the paragraphs' text one after another, one character for each paragraph break, two
 * for each embedded block (a DualDialogue group's own text counts nothing).
 */
function paragraphStarts(top: XmlElement[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const p of top) {
    starts.push(at);
    for (const child of childElements(p)) {
      if (child.name === 'Text') at += textContent(child).length;
      else if (EMBEDDED.has(child.name)) at += 2;
    }
    at += 1;
  }
  return starts;
}

/**
 * Notes of the document-level `ScriptNotes` block (what current Final Draft writes), each placed
 * on the top-level paragraph its `Range` starts in; a note with no readable Range goes at the end.
 */
function documentNotes(fdx: XmlElement, starts: number[]): Map<number, string[]> {
  const byParagraph = new Map<number, string[]>();
  const block = childElements(fdx, 'ScriptNotes')[0];
  if (!block) return byParagraph;
  for (const note of childElements(block, 'ScriptNote')) {
    const text = noteText(note);
    if (!text) continue;
    const start = Number((note.attributes.Range ?? '').split(',')[0]);
    let index = starts.length - 1;
    if (Number.isFinite(start) && (note.attributes.Range ?? '') !== '') {
      while (index > 0 && starts[index]! > start) index--;
    }
    const list = byParagraph.get(index) ?? [];
    list.push(text);
    byParagraph.set(index, list);
  }
  return byParagraph;
}

interface FlatParagraph {
  p: XmlElement;
  /** The second cue of a DualDialogue group. */
  dual: boolean;
  /** Notes to place after this paragraph's element (set on the last paragraph of a group). */
  notes: string[];
}

/**
 * Paragraphs of a Content element in order, with DualDialogue groups flattened (their second cue
 * marked), and each top-level paragraph's notes (its own `ScriptNote`s, those of the paragraphs in
 * its group, and the document's `ScriptNotes` whose Range starts in it) on its last paragraph, so
 * a note never splits a dual dialogue.
 */
function paragraphs(fdx: XmlElement, content: XmlElement): FlatParagraph[] {
  const top = childElements(content, 'Paragraph');
  const located = documentNotes(fdx, paragraphStarts(top));
  const out: FlatParagraph[] = [];
  top.forEach((p, i) => {
    const group = childElements(p, 'DualDialogue')[0];
    const inner = group ? childElements(group, 'Paragraph') : [p];
    const notes = [...inner, ...(group ? [p] : [])].flatMap((q) =>
      childElements(q, 'ScriptNote').map(noteText).filter(Boolean),
    );
    notes.push(...(located.get(i) ?? []));
    let cues = 0;
    inner.forEach((q, j) => {
      if (q.attributes.Type === 'Character') cues++;
      out.push({
        p: q,
        dual: Boolean(group) && q.attributes.Type === 'Character' && cues === 2,
        notes: j === inner.length - 1 ? notes : [],
      });
    });
    // A group with no paragraphs still carries its notes.
    if (inner.length === 0 && notes.length > 0)
      out.push({ p: { name: 'Paragraph', attributes: {}, children: [] }, dual: false, notes });
  });
  return out;
}

const DATE = /\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b(?:19|20)\d{2}\b/;

function titlePageOf(fdx: XmlElement): TitlePageEntry[] {
  const content = childElements(childElements(fdx, 'TitlePage')[0] ?? fdx, 'Content')[0];
  if (!childElements(fdx, 'TitlePage')[0] || !content) return [];
  const texts = childElements(content, 'Paragraph').map((p) => ({
    text: fountainFromRuns(runsOf(p)).trim(),
    align: p.attributes.Alignment ?? 'Left',
  }));
  const entries: TitlePageEntry[] = [];
  const add = (key: string, value: string) => {
    const existing = entries.find((e) => e.key === key);
    if (existing) existing.values.push(value);
    else entries.push({ key, values: [value], range: NO_RANGE });
  };
  // Final Draft title pages are free-form: read the usual layout (centered title lines up to the
  // first empty line, "Written by", author, source; dates and left-aligned contact lines).
  let expectAuthor = false;
  let inTitle = true;
  for (const t of texts) {
    if (!t.text) {
      if (entries.length > 0) inTitle = false;
      continue;
    }
    const credit = /^(?:(?:written|screenplay|teleplay)\s+)?by$/i.test(t.text);
    if (entries.length === 0 || (inTitle && !credit && t.align === 'Center')) {
      add('Title', t.text);
      continue;
    }
    inTitle = false;
    const source = /^(?:story by|based on)/i.test(t.text);
    const date = DATE.test(t.text) && t.text.length < 40;
    if (credit) {
      add('Credit', t.text);
      expectAuthor = true;
    } else if (
      expectAuthor ||
      (t.align === 'Center' && !source && !date && !entries.some((e) => e.key === 'Author'))
    ) {
      add('Author', t.text);
      expectAuthor = false;
    } else if (source) add('Source', t.text);
    else if (date) add('Draft date', t.text);
    else add(t.align === 'Center' ? 'Notes' : 'Contact', t.text);
  }
  return entries;
}

/**
 * Reads a Final Draft `.fdx` file into a Fountain tree (source ranges are zero: there is no Fountain
 * source). Paragraph types: Scene Heading, Action, Character, Parenthetical, Dialogue, Transition,
 * Shot and General (as action; centered action becomes centered text), DualDialogue groups, the
 * TitlePage, bold/italic/underline/AllCaps styles, `StartsNewPage` as a page break, and script
 * notes (the document's `ScriptNotes` block placed by their `Range`, or a paragraph's own
 * `ScriptNote`) as notes after the element they belong to. Consecutive centered paragraphs
 * make one centered block. Anything else inside a paragraph (`SceneProperties`, …) is ignored;
 * unknown paragraph types become action so no text is lost.
 *
 * @throws XmlError when the file is not well-formed XML
 * @throws Error when it is not a Final Draft document
 */
export function importFdx(xml: string): FountainDocument {
  const fdx = parseXml(xml);
  if (fdx.name !== 'FinalDraft') throw new Error(`not a Final Draft document (root <${fdx.name}>)`);
  const content = childElements(fdx, 'Content')[0];
  const elements: FountainNode[] = [];
  let speech: DialogueNode | null = null;
  // Notes follow the element their paragraph makes (a speech's notes follow the whole speech).
  const pendingNotes: string[] = [];
  const flushNotes = () => {
    for (const text of pendingNotes.splice(0)) elements.push({ type: 'note', text, range: NO_RANGE });
  };
  for (const { p, dual, notes } of paragraphs(
    fdx,
    content ?? { name: 'Content', attributes: {}, children: [] },
  )) {
    if (!speech || (p.attributes.Type !== 'Parenthetical' && p.attributes.Type !== 'Dialogue')) flushNotes();
    const type = p.attributes.Type ?? 'General';
    const text = fountainFromRuns(runsOf(p)).trim();
    if (p.attributes.StartsNewPage === 'Yes' && elements.length > 0)
      elements.push({ type: 'page_break', range: NO_RANGE });
    pendingNotes.push(...notes);
    if (type === 'Parenthetical' || type === 'Dialogue') {
      if (speech && text) {
        const kind = type === 'Parenthetical' ? 'parenthetical' : 'text';
        const body = kind === 'parenthetical' && !text.startsWith('(') ? `(${text})` : text;
        for (const line of body.split('\n')) {
          speech.parts.push(
            line.trim()
              ? { kind, text: line.trim(), range: NO_RANGE }
              : { kind: 'break', text: '', range: NO_RANGE },
          );
        }
        continue;
      }
    }
    speech = null;
    if (!text) continue;
    if (type === 'Scene Heading') {
      const m = SCENE_NUMBER_SUFFIX.exec(text);
      const heading = m ? text.slice(0, m.index).trim() : text;
      elements.push({
        type: 'scene_heading',
        text: heading.replace(/\n/g, ' '),
        sceneNumber: p.attributes.Number ?? m?.[1] ?? null,
        forced: !isNaturalSceneHeading(heading),
        range: NO_RANGE,
      });
    } else if (type === 'Character') {
      const cue = readCharacterCue(`@${text.replace(/\^$/, '').trim()}`);
      speech = {
        type: 'dialogue',
        character: cue?.name ?? text,
        extensions: cue?.extensions ?? [],
        forced: !readCharacterCue(text),
        dual,
        parts: [],
        range: NO_RANGE,
      };
      elements.push(speech);
    } else if (type === 'Transition') {
      elements.push({ type: 'transition', text, forced: !isNaturalTransition(text), range: NO_RANGE });
    } else if (p.attributes.Alignment === 'Center') {
      const lines = text.split('\n').map((l) => l.trim());
      const last = elements[elements.length - 1];
      if (last?.type === 'centered') last.lines.push(...lines);
      else elements.push({ type: 'centered', lines, range: NO_RANGE });
    } else {
      elements.push({ type: 'action', text, forced: false, range: NO_RANGE });
    }
  }
  flushNotes();
  // A cue with no lines would not survive as Fountain dialogue: keep its text as action.
  const cleaned = elements.map(
    (e): FountainNode =>
      e.type === 'dialogue' && e.parts.length === 0
        ? { type: 'action', text: e.character, forced: true, range: NO_RANGE }
        : e,
  );
  return { titlePage: titlePageOf(fdx), elements: cleaned };
}
