import { describe, expect, it } from 'vitest';
import { exportShootingScript, SHOOTING_SCRIPT_LAYOUT as L } from './export-shooting-script';
import { SPEC_EXAMPLES } from './fixtures/spec-examples';
import { formatTitlePage, PAGE_LINES } from './format-title-page';
import { parseFountain } from './parse-fountain';

describe('exportShootingScript', () => {
  const script = `INT. HOUSE - DAY

Bob *walks* in.

BOB (V.O.)
(softly)
Hello there.

CUT TO:

EXT. YARD - NIGHT #7A#

>THE END<
`;
  const pages = exportShootingScript(parseFountain(script)).split('\f');
  const lines = pages[0]!.split('\n');

  it('indents each element the standard way and numbers scenes in both margins', () => {
    expect(lines).toContain(`1     INT. HOUSE - DAY${' '.repeat(L.actionWidth + 2 - 16)}1`);
    expect(lines).toContain(`${' '.repeat(L.gutter)}Bob walks in.`);
    expect(lines).toContain(`${' '.repeat(L.gutter + L.characterIndent)}BOB (V.O.)`);
    expect(lines).toContain(`${' '.repeat(L.gutter + L.parentheticalIndent)}(softly)`);
    expect(lines).toContain(`${' '.repeat(L.gutter + L.dialogueIndent)}Hello there.`);
    expect(lines).toContain(`${' '.repeat(L.gutter + L.actionWidth - 7)}CUT TO:`);
    expect(lines.some((l) => l.startsWith('7A    EXT. YARD - NIGHT') && l.endsWith('7A'))).toBe(true);
    expect(lines.some((l) => l.trim() === 'THE END' && l.indexOf('THE') > L.gutter + 20)).toBe(true);
  });

  it('wraps dialogue at its width and paginates long scripts', () => {
    const long = `INT. A - DAY\n\nBOB\n${'word '.repeat(40)}\n\n${'Action line here.\n\n'.repeat(60)}`;
    const out = exportShootingScript(parseFountain(long)).split('\f');
    expect(out.length).toBeGreaterThan(1);
    for (const page of out) expect(page.split('\n').length).toBeLessThanOrEqual(PAGE_LINES);
    const dialogue = out[0]!
      .split('\n')
      .filter((l) => l.startsWith(' '.repeat(L.gutter + L.dialogueIndent) + 'word'));
    expect(dialogue.length).toBeGreaterThan(1);
    for (const l of dialogue) expect(l.trim().length).toBeLessThanOrEqual(L.dialogueWidth);
    expect(out[1]!.split('\n')[0]!.trim()).toBe('2.');
  });

  it('starts with the title page when there is one', () => {
    const out = exportShootingScript(parseFountain(SPEC_EXAMPLES.titlePage)).split('\f');
    expect(out).toHaveLength(2);
    expect(out[0]).toContain('BRICK & STEEL');
  });
});

describe('formatTitlePage', () => {
  it('centers title, credit and author and puts contact and date at the bottom', () => {
    const page = formatTitlePage(parseFountain(SPEC_EXAMPLES.titlePage).titlePage, 60).split('\n');
    expect(page).toHaveLength(PAGE_LINES);
    expect(page[18]!.trim()).toBe('BRICK & STEEL');
    expect(page[18]!.indexOf('BRICK')).toBe(Math.floor((60 - 13) / 2));
    expect(page.map((l) => l.trim())).toEqual(
      expect.arrayContaining(['Written by', 'Stu Maschwitz', 'Story by KTM']),
    );
    const bottom = page.slice(-6).join('\n');
    expect(bottom).toMatch(/^Next Level Productions\s+1\/20\/2012$/m);
    expect(bottom).toContain('Solvang, CA 93463');
  });
});
