import { formatTitlePage, PAGE_LINES } from './format-title-page';
import type { FountainDocument, FountainNode } from './fountain-ast';
import { plainText } from './parse-inline';

/**
 * Standard screenplay indents in characters from the action margin (1.5" from the page edge at 10
 * characters an inch): character cue 2.2", parenthetical 1.6", dialogue 1.0", action and headings
 * 60 characters wide, dialogue 35, parentheticals 25; transitions end at the right margin.
 */
export const SHOOTING_SCRIPT_LAYOUT = {
  gutter: 6,
  actionWidth: 60,
  characterIndent: 22,
  dialogueIndent: 10,
  dialogueWidth: 35,
  parentheticalIndent: 16,
  parentheticalWidth: 25,
} as const;

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/(?<=\s)(?=\S)/)) {
      if ((line + word).trimEnd().length > width && line.trim()) {
        out.push(line.trimEnd());
        line = word.trimStart();
      } else line += word;
    }
    out.push(line.trimEnd());
  }
  return out;
}

export interface ShootingScriptOptions {
  /** Number scenes that have no `#n#` by their position. Default true. */
  numberScenes?: boolean;
  /** Put the title page first (when the script has one). Default true. */
  titlePage?: boolean;
}

/**
 * A printable plain-text shooting script: standard indents, scene numbers in both margins, pages of
 * `PAGE_LINES` lines separated by form feeds (`\f`) with the page number top right from page 2.
 * Elements are not split across pages when they fit on one (no MORE/CONT'D is added). Notes,
 * boneyard, sections and synopses are not printed.
 */
export function exportShootingScript(doc: FountainDocument, options: ShootingScriptOptions = {}): string {
  const L = SHOOTING_SCRIPT_LAYOUT;
  const pad = ' '.repeat(L.gutter);
  const blocks: string[][] = [];
  let scene = 0;
  const indent = (n: number, lines: string[]) => lines.map((l) => (l ? pad + ' '.repeat(n) + l : ''));
  for (const el of doc.elements as FountainNode[]) {
    switch (el.type) {
      case 'scene_heading': {
        scene++;
        const num = el.sceneNumber ?? (options.numberScenes === false ? '' : String(scene));
        const [first = '', ...rest] = wrap(plainText(el.text).toUpperCase(), L.actionWidth - 2);
        const left = num.padEnd(L.gutter);
        const right = num ? ' '.repeat(Math.max(2, L.actionWidth + 2 - first.length)) + num : '';
        blocks.push([left + first + right, ...indent(0, rest)]);
        break;
      }
      case 'action':
        blocks.push(indent(0, wrap(plainText(el.text), L.actionWidth)));
        break;
      case 'dialogue': {
        const lines = indent(L.characterIndent, [
          (el.character + el.extensions.map((e) => ` (${e})`).join('')).toUpperCase(),
        ]);
        for (const part of el.parts) {
          if (part.kind === 'parenthetical') {
            lines.push(...indent(L.parentheticalIndent, wrap(plainText(part.text), L.parentheticalWidth)));
          } else if (part.kind === 'break') lines.push('');
          else lines.push(...indent(L.dialogueIndent, wrap(plainText(part.text), L.dialogueWidth)));
        }
        blocks.push(lines);
        break;
      }
      case 'transition': {
        const t = plainText(el.text).toUpperCase();
        blocks.push([pad + ' '.repeat(Math.max(0, L.actionWidth - t.length)) + t]);
        break;
      }
      case 'centered':
      case 'lyrics':
        blocks.push(
          el.lines.map((l) => {
            const t = plainText(l);
            return el.type === 'lyrics'
              ? pad + t
              : pad + ' '.repeat(Math.max(0, (L.actionWidth - t.length) >> 1)) + t;
          }),
        );
        break;
      case 'page_break':
        blocks.push(['\f']);
        break;
      default:
        break;
    }
  }

  const pages: string[][] = [[]];
  const body = PAGE_LINES - 3;
  for (const block of blocks) {
    let page = pages[pages.length - 1]!;
    if (block[0] === '\f') {
      if (page.length > 0) pages.push([]);
      continue;
    }
    const needed = (page.length > 0 ? 1 : 0) + block.length;
    if (page.length + needed > body && page.length > 0) {
      page = [];
      pages.push(page);
    }
    if (page.length > 0) page.push('');
    for (const line of block) {
      if (page.length >= body) {
        page = [];
        pages.push(page);
      }
      page.push(line);
    }
  }
  const width = L.gutter + L.actionWidth + L.gutter;
  const printed = pages.map((lines, i) => {
    const header = i === 0 ? '' : `${i + 1}.`.padStart(width);
    return [header, '', ...lines].map((l) => l.trimEnd()).join('\n');
  });
  const withTitle =
    options.titlePage !== false && doc.titlePage.length > 0
      ? [formatTitlePage(doc.titlePage, width), ...printed]
      : printed;
  return `${withTitle.join('\n\f')}\n`;
}
