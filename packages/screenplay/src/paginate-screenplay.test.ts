import { describe, expect, it } from 'vitest';
import { PAGE_LINES } from './format-title-page';
import { paginateScreenplay } from './paginate-screenplay';
import { parseFountain } from './parse-fountain';
import { serializeFountain } from './serialize-fountain';
import { SHOOTING_SCRIPT_LAYOUT as L } from './shooting-script-layout';
import { stampVersion } from './stamp-version';

const cueAt = (name: string) => `${' '.repeat(L.gutter + L.characterIndent)}${name}`;
const speech = (n: number) =>
  Array.from({ length: n }, (_, i) => `Sentence number ${i + 1} of a very long speech.`).join(' ');

describe('paginateScreenplay', () => {
  const filler = 'Action that fills the page.\n\n'.repeat(22);
  const doc = parseFountain(
    `INT. HALL - NIGHT\n\n${filler}MARGARET (V.O.)\n(quietly)\n${speech(14)}\n\nEXT. ROAD - DAY\n\nShe leaves.\n`,
  );
  const out = paginateScreenplay(doc);

  it("splits a speech that crosses a page with (MORE) and CHARACTER (CONT'D)", () => {
    expect(out.pages.length).toBeGreaterThanOrEqual(2);
    const first = out.pages[0]!.lines;
    const second = out.pages[1]!.lines;
    expect(first.at(-1)).toBe(cueAt('(MORE)'));
    expect(second[0]).toBe(cueAt("MARGARET (CONT'D)"));
    // At least two lines of the speech on each side, and nothing lost or repeated.
    const atDialogue = new RegExp(`^ {${L.gutter + L.dialogueIndent}}\\S`);
    const speechLines = (lines: string[]) => lines.filter((l) => atDialogue.test(l));
    expect(speechLines(first).length).toBeGreaterThanOrEqual(2);
    expect(speechLines(second).length).toBeGreaterThanOrEqual(2);
    const words = [...speechLines(first), ...speechLines(second)].join(' ').split(/\s+/).filter(Boolean);
    expect(words.join(' ')).toBe(speech(14));
    expect(first).toContain(cueAt('MARGARET (V.O.)'));
  });

  it('never puts more than a page of lines on a page, and numbers pages from 1', () => {
    for (const p of out.pages) expect(p.lines.length).toBeLessThanOrEqual(PAGE_LINES - 3);
    expect(out.pages.map((p) => p.number)).toEqual(out.pages.map((_, i) => i + 1));
    expect(out.linesPerPage).toBe(PAGE_LINES - 3);
  });

  it('moves a short speech whole instead of splitting it', () => {
    const short = parseFountain(`INT. A - DAY\n\n${'Line.\n\n'.repeat(25)}BOB\nOne.\nTwo.\nThree.\n`);
    const pages = paginateScreenplay(short).pages;
    expect(pages.flatMap((p) => p.lines)).not.toContain(cueAt('(MORE)'));
    expect(pages.at(-1)!.lines).toContain(cueAt('BOB'));
  });

  it('never leaves a scene heading as the last thing on a page', () => {
    // 25 one-line actions fill 49 of 52 lines; the next heading would land on line 51.
    const text = `INT. A - DAY\n\n${'Line.\n\n'.repeat(24)}EXT. B - NIGHT\n\nRain.\n\nMore rain.\n`;
    const pages = paginateScreenplay(parseFountain(text)).pages;
    expect(pages).toHaveLength(2);
    expect(pages[0]!.lines.some((l) => l.includes('EXT. B'))).toBe(false);
    expect(pages[1]!.lines[0]).toMatch(/^2\s+EXT\. B - NIGHT\s+2$/);
  });

  it('does not end a page on a parenthetical', () => {
    const text = `INT. A - DAY\n\n${'Line.\n\n'.repeat(23)}BOB\nOne two three four five six seven eight nine ten eleven.\n(beat)\nAnd then more words that go on and on and on and on and on for a while.\n`;
    const pages = paginateScreenplay(parseFountain(text)).pages;
    for (const p of pages) {
      const i = p.lines.indexOf(cueAt('(MORE)'));
      if (i > 0) expect(p.lines[i - 1]!.trim().startsWith('(')).toBe(false);
    }
  });
});

describe('stampVersion', () => {
  it('adds a Version title-page entry that survives a Fountain round trip', () => {
    const doc = parseFountain('Title: Harbour\nAuthor: Ana\n\nINT. DOCK - DAY\n\nWaves.\n');
    const stamped = stampVersion(stampVersion(doc, 'old'), 'v 1234 (abc)');
    const back = parseFountain(serializeFountain(stamped));
    expect(back.titlePage.map((e) => [e.key, e.values])).toEqual([
      ['Title', ['Harbour']],
      ['Author', ['Ana']],
      ['Version', ['v 1234 (abc)']],
    ]);
    expect(doc.titlePage).toHaveLength(2);
  });

  it('gives a script without a title page one that reads back', () => {
    const back = parseFountain(
      serializeFountain(stampVersion(parseFountain('INT. DOCK - DAY\n\nWaves.\n'), 'x1')),
    );
    expect(back.titlePage).toEqual([expect.objectContaining({ key: 'Version', values: ['x1'] })]);
    expect(back.elements[0]?.type).toBe('scene_heading');
  });
});
