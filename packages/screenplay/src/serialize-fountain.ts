import type { DialogueNode, FountainDocument, FountainNode, TitlePageEntry } from './fountain-ast';
import {
  isNaturalSceneHeading,
  isNaturalTransition,
  readCharacterCue,
  SCENE_NUMBER_SUFFIX,
  startsTitlePage,
} from './fountain-syntax';
import { parseFountain } from './parse-fountain';

/**
 * Writes a tree back to Fountain. Elements are separated by one blank line; an element is written
 * in its forced form (`.`, `!`, `@`, `>`) when it is marked forced or when its natural form would read
 * back as something else, so `parseFountain(serializeFountain(doc))` gives the same tree (ranges aside).
 */
export function serializeFountain(doc: FountainDocument): string {
  const blocks: string[] = [];
  if (doc.titlePage.length > 0) blocks.push(doc.titlePage.map(serializeTitleEntry).join('\n'));
  for (const element of doc.elements) blocks.push(serializeElement(element));
  let out = blocks.join('\n\n');
  // A body whose first line looks like `Key: value` (or that follows leading notes) would be read as
  // a title page; a leading blank line prevents that without changing anything else.
  if (doc.titlePage.length === 0 && mayReadAsTitlePage(out)) out = `\n${out}`;
  return out ? `${out}\n` : '';
}

function mayReadAsTitlePage(out: string): boolean {
  if (startsTitlePage(out.slice(0, out.indexOf('\n') >>> 0))) return true;
  return (out.startsWith('[[') || out.startsWith('/*')) && parseFountain(out).titlePage.length > 0;
}

function serializeTitleEntry(entry: TitlePageEntry): string {
  if (entry.values.length === 1) return `${entry.key}: ${entry.values[0]}`;
  return [`${entry.key}:`, ...entry.values.map((v) => `    ${v}`)].join('\n');
}

/** Serializes one element on its own (no surrounding blank lines). */
export function serializeElement(element: FountainNode): string {
  switch (element.type) {
    case 'scene_heading': {
      const number = element.sceneNumber ? ` #${element.sceneNumber}#` : '';
      const natural =
        !element.forced && isNaturalSceneHeading(element.text) && !SCENE_NUMBER_SUFFIX.test(element.text);
      return `${natural ? '' : '.'}${element.text}${number}`;
    }
    case 'action':
      return element.forced || !readsBackAsAction(element.text) ? `!${element.text}` : element.text;
    case 'dialogue':
      return serializeDialogue(element);
    case 'transition':
      return !element.forced && isNaturalTransition(element.text) ? element.text : `> ${element.text}`;
    case 'centered':
      return element.lines.map((line) => `> ${line} <`).join('\n');
    case 'lyrics':
      return element.lines.map((line) => `~${line}`).join('\n');
    case 'note':
      return `[[${element.text}]]`;
    case 'boneyard':
      return `/*${element.text}*/`;
    case 'section':
      return `${'#'.repeat(Math.max(1, element.depth))} ${element.text}`;
    case 'synopsis':
      return `= ${element.text}`;
    case 'page_break':
      return '===';
  }
}

function readsBackAsAction(text: string): boolean {
  // The leading blank line mirrors the blank line the serializer puts before every element.
  const back = parseFountain(`\n${text}`).elements;
  return back.length === 1 && back[0]!.type === 'action' && back[0]!.text === text && !back[0]!.forced;
}

function serializeDialogue(node: DialogueNode): string {
  const tail = `${node.extensions.map((e) => ` (${e})`).join('')}${node.dual ? ' ^' : ''}`;
  const cue = readCharacterCue(`${node.character}${tail}`);
  const natural =
    !node.forced &&
    cue !== null &&
    cue.name === node.character &&
    cue.extensions.length === node.extensions.length;
  const lines = [`${natural ? '' : '@'}${node.character}${tail}`];
  for (const part of node.parts) {
    if (part.kind === 'break') lines.push('  ');
    else if (part.kind === 'lyric') lines.push(`~${part.text}`);
    else lines.push(part.text);
  }
  return lines.join('\n');
}
