import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importScript } from './import-script';
import { ScriptImportError } from './script-import-error';

const enc = (s: string) => new TextEncoder().encode(s);
const fails = (bytes: Uint8Array, name: string) => {
  try {
    importScript(bytes, name);
  } catch (err) {
    expect(err).toBeInstanceOf(ScriptImportError);
    return (err as ScriptImportError).code;
  }
  throw new Error('imported');
};

describe('importScript', () => {
  it('reads Fountain as is, with the lenient heading rules', () => {
    const got = importScript(enc('Title: Night\r\n\r\nEXT. PATIO - DAY\r\nBOB\r\nHi.\r\n'), 'night.fountain');
    expect(got).toMatchObject({
      format: 'fountain',
      fountain: 'Title: Night\n\nEXT. PATIO - DAY\nBOB\nHi.\n',
      title: 'Night',
      scenes: [{ heading: 'EXT. PATIO - DAY', sceneNumber: null, lines: 1, characters: ['BOB'] }],
      characters: ['BOB'],
    });
  });

  it('reads Final Draft, by extension or by content', () => {
    const fdx = readFileSync(new URL('./fixtures/final-draft-sample.fdx', import.meta.url));
    for (const name of ['brick.fdx', 'brick.txt', 'brick']) {
      const got = importScript(fdx, name);
      expect(got.format).toBe('fdx');
      expect(got.title).toBe('BRICK & STEEL');
      expect(got.scenes.map((s) => [s.heading, s.lines, s.characters])).toEqual([
        ["EXT. BRICK'S PATIO - DAY", 3, ['STEEL', 'BRICK']],
        ['INT. TRAILER HOME - NIGHT', 0, []],
      ]);
      expect(got.fountain).toContain('[[Is the pool too much?]]');
    }
  });

  it('reads a printed plain-text screenplay', () => {
    const printed = [
      '1    INT. DINER - NIGHT    1',
      '',
      'Rain on the glass.',
      '',
      '                     MOLLY',
      '          Who is there?',
      '                     (MORE)',
      '\f                                                  2.',
      "                     MOLLY (CONT'D)",
      '          Answer me.',
      '',
      '                                        CUT TO:',
      '',
      '2    EXT. STREET - NIGHT    2',
      '',
      'Empty.',
    ].join('\n');
    const got = importScript(enc(printed), 'diner.txt');
    expect(got.format).toBe('text');
    expect(got.scenes).toEqual([
      { heading: 'INT. DINER - NIGHT', sceneNumber: '1', lines: 2, characters: ['MOLLY'] },
      { heading: 'EXT. STREET - NIGHT', sceneNumber: '2', lines: 0, characters: [] },
    ]);
    expect(got.fountain).not.toContain('(MORE)');
    expect(got.fountain).toContain('\nCUT TO:\n');
  });

  it('reads Markdown', () => {
    const md = [
      '# The Diner',
      '',
      '## INT. DINER - NIGHT',
      'Rain on the glass. See [the moodboard](http://x).',
      '',
      '**MOLLY:** Who is there?',
      '',
      'JAKE (O.S.): Me.',
      '',
      '> A quote, not a transition.',
      '',
      '## The street',
      '',
      '- a car passes',
      '<!-- cut this? -->',
    ].join('\n');
    const got = importScript(enc(md), 'diner.md');
    expect(got.format).toBe('markdown');
    expect(got.title).toBe('The Diner');
    expect(got.scenes).toEqual([
      { heading: 'INT. DINER - NIGHT', sceneNumber: null, lines: 2, characters: ['MOLLY', 'JAKE'] },
      { heading: 'THE STREET', sceneNumber: null, lines: 0, characters: [] },
    ]);
    expect(got.fountain).toContain('Rain on the glass. See the moodboard.');
    expect(got.fountain).toContain('\nA quote, not a transition.\n');
    expect(got.fountain).toContain('/* cut this? */');
  });

  it('decodes UTF-16 and Windows-1252 files', () => {
    const text = 'INT. CAFÉ - DAY\n\nZOË\nBonjour.\n';
    const utf16 = new Uint8Array([
      0xff,
      0xfe,
      ...new Uint8Array(new Uint16Array([...text].map((c) => c.charCodeAt(0))).buffer),
    ]);
    expect(importScript(utf16, 'a.fountain').scenes[0]!.characters).toEqual(['ZOË']);
    const latin1 = Uint8Array.from([...text].map((c) => c.charCodeAt(0)));
    expect(importScript(latin1, 'a.fountain').scenes[0]!.heading).toBe('INT. CAFÉ - DAY');
  });

  it('refuses binary, empty, unknown and malformed files with a code', () => {
    expect(fails(enc('%PDF-1.7\n...'), 'script.pdf')).toBe('binary');
    expect(fails(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), 'script.fountain')).toBe('binary');
    expect(fails(new Uint8Array([1, 2, 3, 0, 5, 6, 7, 8]), 'x.txt')).toBe('binary');
    expect(fails(enc('  \n\n '), 'x.fountain')).toBe('empty');
    expect(fails(new Uint8Array(), 'x.fountain')).toBe('empty');
    expect(fails(enc('INT. A - DAY'), 'x.docx')).toBe('unsupported_type');
    expect(fails(enc('<FinalDraft><Content>'), 'x.fdx')).toBe('malformed_xml');
    expect(fails(enc('not xml at all'), 'x.fdx')).toBe('malformed_xml');
    expect(fails(enc('<?xml version="1.0"?><html></html>'), 'x.txt')).toBe('not_final_draft');
  });

  it('reads hostile files up to the size limit without blowing up (linear scans)', () => {
    // Each of these once cost the square (or cube) of its length: a 1 MB file took minutes.
    const layout = '               MOLLY\n          Hi.\n\n'.repeat(50);
    const hostile: [string, string][] = [
      [`INT. A\n${'**'.repeat(500_000)}`, 'a.fountain'],
      [`INT. A\n${'*_'.repeat(250_000)}x${'_*'.repeat(250_000)}`, 'a.fountain'],
      [`INT. A\n${'[['.repeat(500_000)}`, 'a.fountain'],
      [`INT. A\n${'/*'.repeat(500_000)}`, 'a.fountain'],
      [`${layout}${`1 ${' '.repeat(490)}x\n`.repeat(1500)}`, 'a.txt'],
      ['<!--'.repeat(250_000), 'a.md'],
      [`# ${' #'.repeat(400_000)}x`, 'a.md'],
    ];
    for (const [text, name] of hostile) {
      const got = importScript(enc(text), name);
      expect(got.fountain.length).toBeGreaterThan(0);
    }
    // And a file of nothing but headings is refused by its scene count, before any storyboard sync.
    expect(fails(enc('INT. A\n'.repeat(290_000)), 'a.fountain')).toBe('too_many_scenes');
    expect(importScript(enc('INT. A\n\n'.repeat(1000)), 'a.fountain').scenes).toHaveLength(1000);
    expect(fails(enc('INT. A\n\n'.repeat(1001)), 'a.fountain')).toBe('too_many_scenes');
  });
});
