import { formatTitlePage, PAGE_LINES } from './format-title-page';
import type { FountainDocument, FountainNode } from './fountain-ast';
import { plainText } from './parse-inline';
import { SHOOTING_SCRIPT_LAYOUT as L, wrapText } from './shooting-script-layout';

export interface PaginateOptions {
  /** Number scenes that have no `#n#` by their position. Default true. */
  numberScenes?: boolean;
  /** Put the title page first (when the script has one). Default true. */
  titlePage?: boolean;
}

/** One printed page: its number (1 for the first script page) and its body lines, monospaced. */
export interface ScreenplayPage {
  number: number;
  lines: string[];
}

export interface PaginatedScreenplay {
  /** The title page's lines (`PAGE_LINES` of them), or null when there is none or it is off. */
  titlePage: string[] | null;
  pages: ScreenplayPage[];
  /** Characters across a line: gutter + action width + gutter (scene numbers sit in the gutters). */
  width: number;
  /** Body lines a page holds: `PAGE_LINES` less the page-number line and the blank under it. */
  linesPerPage: number;
}

interface Block {
  lines: string[];
  /** For speeches: the cue as printed, repeated with (CONT'D) when the speech crosses a page. */
  cue?: string;
  /** For speeches: whether each line is a parenthetical (a page never ends on one). */
  parenthetical?: boolean[];
  pageBreak?: boolean;
  /** Scene headings: never the last thing on a page (two lines of what follows must fit too). */
  keepWithNext?: boolean;
}

const pad = ' '.repeat(L.gutter);
const indent = (n: number, lines: string[]) => lines.map((l) => (l ? pad + ' '.repeat(n) + l : ''));
/** Fewest lines of a speech left on either side of a page break (industry practice: two). */
const MIN_SPLIT_LINES = 2;

function blocksOf(doc: FountainDocument, options: PaginateOptions): Block[] {
  const blocks: Block[] = [];
  let scene = 0;
  for (const el of doc.elements as FountainNode[]) {
    switch (el.type) {
      case 'scene_heading': {
        scene++;
        const num = el.sceneNumber ?? (options.numberScenes === false ? '' : String(scene));
        const [first = '', ...rest] = wrapText(plainText(el.text).toUpperCase(), L.actionWidth - 2);
        const left = num.padEnd(L.gutter);
        const right = num ? ' '.repeat(Math.max(2, L.actionWidth + 2 - first.length)) + num : '';
        blocks.push({ lines: [left + first + right, ...indent(0, rest)], keepWithNext: true });
        break;
      }
      case 'action':
        blocks.push({ lines: indent(0, wrapText(plainText(el.text), L.actionWidth)) });
        break;
      case 'dialogue': {
        const cue = (el.character + el.extensions.map((e) => ` (${e})`).join('')).toUpperCase();
        const lines = indent(L.characterIndent, [cue]);
        const parenthetical = [false];
        for (const part of el.parts) {
          const add = (ls: string[], paren: boolean) => {
            lines.push(...ls);
            parenthetical.push(...ls.map(() => paren));
          };
          if (part.kind === 'parenthetical')
            add(indent(L.parentheticalIndent, wrapText(plainText(part.text), L.parentheticalWidth)), true);
          else if (part.kind === 'break') add([''], false);
          else add(indent(L.dialogueIndent, wrapText(plainText(part.text), L.dialogueWidth)), false);
        }
        blocks.push({ lines, cue: el.character.toUpperCase(), parenthetical });
        break;
      }
      case 'transition': {
        const t = plainText(el.text).toUpperCase();
        blocks.push({ lines: [pad + ' '.repeat(Math.max(0, L.actionWidth - t.length)) + t] });
        break;
      }
      case 'centered':
      case 'lyrics':
        blocks.push({
          lines: el.lines.map((l) => {
            const t = plainText(l);
            return el.type === 'lyrics'
              ? pad + t
              : pad + ' '.repeat(Math.max(0, (L.actionWidth - t.length) >> 1)) + t;
          }),
        });
        break;
      case 'page_break':
        blocks.push({ lines: [], pageBreak: true });
        break;
      default:
        break;
    }
  }
  return blocks;
}

/**
 * Lays a script out on pages the way Final Draft prints it: standard indents (Courier 12 pt, 10
 * characters and 6 lines an inch, 1.5" left and 1" right margins), scene numbers in both margins,
 * `PAGE_LINES` lines a page including the page number line. An element that fits on one page is
 * never split; a speech that does not fit in what is left of a page is split between lines, with
 * `(MORE)` at the foot of the page and `CHARACTER (CONT'D)` at the top of the next, keeping at
 * least two of its lines on each side (otherwise it moves whole). A scene heading moves to the next
 * page unless two lines after it fit below it. Notes, boneyard, sections and synopses are not printed.
 */
export function paginateScreenplay(
  doc: FountainDocument,
  options: PaginateOptions = {},
): PaginatedScreenplay {
  const body = PAGE_LINES - 3;
  const pages: string[][] = [[]];
  const more = pad + ' '.repeat(L.characterIndent) + '(MORE)';
  const current = () => pages[pages.length - 1]!;
  const newPage = () => {
    pages.push([]);
    return current();
  };
  for (const block of blocksOf(doc, options)) {
    let page = current();
    if (block.pageBreak) {
      if (page.length > 0) newPage();
      continue;
    }
    const gap = page.length > 0 ? 1 : 0;
    const keep = block.keepWithNext ? 1 + MIN_SPLIT_LINES : 0;
    if (page.length + gap + block.lines.length + keep <= body) {
      if (gap) page.push('');
      page.push(...block.lines);
      continue;
    }
    if (block.cue !== undefined) {
      // A speech: split it with (MORE)/(CONT'D) while it does not fit, moving it whole when the
      // space left cannot hold the cue and two of its lines.
      let rest = block.lines;
      let paren = block.parenthetical ?? [];
      let first = true;
      while (current().length + (current().length > 0 ? 1 : 0) + rest.length > body) {
        page = current();
        const room = body - page.length - (page.length > 0 ? 1 : 0) - 1; // less the (MORE) line
        let take = Math.min(room, rest.length - MIN_SPLIT_LINES);
        while (take > 1 && (paren[take - 1] || rest[take - 1] === '')) take--;
        if (take < 1 + MIN_SPLIT_LINES) {
          if (page.length === 0) break; // cannot happen with sane layouts; print it as it comes
          newPage();
          continue;
        }
        if (page.length > 0) page.push('');
        page.push(...rest.slice(0, take), more);
        const cont = pad + ' '.repeat(L.characterIndent) + `${block.cue} (CONT'D)`;
        rest = [cont, ...rest.slice(take)];
        paren = [false, ...paren.slice(take)];
        first = false;
        newPage();
      }
      page = current();
      if (!first || page.length === 0) {
        page.push(...rest);
        continue;
      }
      if (page.length + 1 + rest.length > body) page = newPage();
      if (page.length > 0) page.push('');
      page.push(...rest);
      continue;
    }
    if (block.lines.length <= body) {
      page = newPage();
      page.push(...block.lines);
      continue;
    }
    // Longer than a page (a huge action paragraph): fill line by line.
    if (gap) page.push('');
    for (const line of block.lines) {
      if (page.length >= body) page = newPage();
      page.push(line);
    }
  }
  const width = L.gutter + L.actionWidth + L.gutter;
  return {
    titlePage:
      options.titlePage !== false && doc.titlePage.length > 0
        ? formatTitlePage(doc.titlePage, width).split('\n')
        : null,
    pages: pages
      .filter((lines, i) => lines.length > 0 || i === 0)
      .map((lines, i) => ({ number: i + 1, lines: lines.map((l) => l.trimEnd()) })),
    width,
    linesPerPage: body,
  };
}
