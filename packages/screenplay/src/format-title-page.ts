import type { TitlePageEntry } from './fountain-ast';
import { plainText } from './parse-inline';

/** Page geometry in characters and lines (Courier 12 pt on US Letter: 10 characters an inch, 6 lines an inch). */
export const PAGE_WIDTH = 72;
export const PAGE_LINES = 55;

const center = (text: string, width: number) =>
  ' '.repeat(Math.max(0, Math.floor((width - text.length) / 2))) + text;

function values(entries: TitlePageEntry[], key: string): string[] {
  return entries
    .filter((e) => e.key.toLowerCase() === key)
    .flatMap((e) => e.values.map((v) => plainText(v).trim()))
    .filter(Boolean);
}

/**
 * A plain-text title page: title (upper case) centered a third of the way down, then credit,
 * authors and source centered below it; contact lines bottom left, draft date bottom right.
 * Markup is stripped. Returns exactly `PAGE_LINES` lines joined by `\n` (no trailing newline).
 */
export function formatTitlePage(entries: TitlePageEntry[], width = PAGE_WIDTH): string {
  const page: string[] = new Array(PAGE_LINES).fill('');
  let row = 18;
  const put = (text: string) => {
    if (row < PAGE_LINES) page[row++] = center(text, width);
  };
  for (const t of values(entries, 'title')) put(t.toUpperCase());
  row += 2;
  for (const c of values(entries, 'credit')) put(c);
  row += 1;
  for (const a of [...values(entries, 'author'), ...values(entries, 'authors')]) put(a);
  row += 2;
  for (const s of values(entries, 'source')) put(s);
  const contact = [...values(entries, 'contact'), ...values(entries, 'copyright')];
  const draft = [...values(entries, 'draft date'), ...values(entries, 'date')];
  const bottom = Math.max(contact.length, draft.length);
  for (let i = 0; i < bottom; i++) {
    const left = contact[i] ?? '';
    const right = draft[i] ?? '';
    page[PAGE_LINES - 2 - bottom + i] =
      left + ' '.repeat(Math.max(1, width - left.length - right.length)) + right;
  }
  return page.map((l) => l.trimEnd()).join('\n');
}
