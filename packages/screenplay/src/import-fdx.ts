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

/** Paragraphs of a Content element in order, with DualDialogue groups flattened (their second cue marked). */
function paragraphs(content: XmlElement): { p: XmlElement; dual: boolean }[] {
  const out: { p: XmlElement; dual: boolean }[] = [];
  for (const p of childElements(content, 'Paragraph')) {
    const group = childElements(p, 'DualDialogue')[0];
    if (!group) {
      out.push({ p, dual: false });
      continue;
    }
    let cues = 0;
    for (const inner of childElements(group, 'Paragraph')) {
      if (inner.attributes.Type === 'Character') cues++;
      out.push({ p: inner, dual: inner.attributes.Type === 'Character' && cues === 2 });
    }
  }
  return out;
}

/** Text of each `ScriptNote` attached to a paragraph (Final Draft keeps a note's text in paragraphs). */
function scriptNotes(paragraph: XmlElement): string[] {
  return childElements(paragraph, 'ScriptNote')
    .map((note) =>
      childElements(note, 'Paragraph')
        .map((p) => childElements(p, 'Text').map(textContent).join(''))
        .join('\n')
        .replace(/\r\n?/g, '\n')
        .trim(),
    )
    .filter((text) => text.length > 0);
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
 * TitlePage, bold/italic/underline/AllCaps styles, `StartsNewPage` as a page break, and
 * `ScriptNote`s as notes after the element they are attached to. Consecutive centered paragraphs
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
  for (const { p, dual } of paragraphs(content ?? { name: 'Content', attributes: {}, children: [] })) {
    if (!speech || (p.attributes.Type !== 'Parenthetical' && p.attributes.Type !== 'Dialogue')) flushNotes();
    const type = p.attributes.Type ?? 'General';
    const text = fountainFromRuns(runsOf(p)).trim();
    if (p.attributes.StartsNewPage === 'Yes' && elements.length > 0)
      elements.push({ type: 'page_break', range: NO_RANGE });
    const notes = scriptNotes(p);
    if (notes.length > 0) pendingNotes.push(...notes);
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
      if (last?.type === 'centered' && pendingNotes.length === 0) last.lines.push(...lines);
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
