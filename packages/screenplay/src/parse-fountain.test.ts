import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SPEC_EXAMPLES } from './fixtures/spec-examples';
import type { FountainNode } from './fountain-ast';
import { parseFountain } from './parse-fountain';

const types = (text: string) => parseFountain(text).elements.map((e) => e.type);
const only = <T extends FountainNode['type']>(text: string, type: T) =>
  parseFountain(text).elements.filter((e): e is Extract<FountainNode, { type: T }> => e.type === type);

describe('parseFountain: spec elements', () => {
  it('reads the title page with inline and indented values', () => {
    const doc = parseFountain(SPEC_EXAMPLES.titlePage);
    expect(doc.titlePage.map((e) => e.key)).toEqual([
      'Title',
      'Credit',
      'Author',
      'Source',
      'Draft date',
      'Contact',
    ]);
    expect(doc.titlePage[0]!.values).toEqual(['_**BRICK & STEEL**_', '_**FULL RETIRED**_']);
    expect(doc.titlePage[5]!.values).toEqual([
      'Next Level Productions',
      '1588 Mission Dr.',
      'Solvang, CA 93463',
    ]);
    expect(types(SPEC_EXAMPLES.titlePage)).toEqual(['scene_heading', 'action']);
  });

  it('does not mistake FADE IN: for a title page', () => {
    const doc = parseFountain('FADE IN:\n\nINT. HOUSE - DAY\n\nHello.\n');
    expect(doc.titlePage).toEqual([]);
    expect(doc.elements[0]).toMatchObject({ type: 'action', text: 'FADE IN:' });
    expect(parseFountain(SPEC_EXAMPLES.escapedEmphasis).elements.map((e) => e.type)).toEqual(['action']);
    expect(parseFountain('Episode: 4\nTitle: Pilot\n').titlePage.map((e) => e.key)).toEqual([
      'Episode',
      'Title',
    ]);
  });

  it('reads scene headings and every prefix', () => {
    expect(only(SPEC_EXAMPLES.sceneHeading, 'scene_heading')[0]).toMatchObject({
      text: "EXT. BRICK'S PATIO - DAY",
      forced: false,
      sceneNumber: null,
    });
    expect(only(SPEC_EXAMPLES.sceneHeadingVariants, 'scene_heading').map((h) => h.text)).toEqual([
      'INT. HOUSE - DAY',
      "EST. BRICK'S PATIO - NIGHT",
      "INT./EXT. BRICK'S CAR - DAY",
      "I/E BRICK'S CAR - DAY",
      'int. kitchen - night',
    ]);
  });

  it('requires a blank line before a natural scene heading', () => {
    expect(types('Bob enters.\nINT. HOUSE - DAY\n\nHe sits.\n')).toEqual(['action', 'action']);
    // Not after it: see parse-fountain-leniency.test.ts.
  });

  it('reads forced scene headings but not ellipses', () => {
    expect(only(SPEC_EXAMPLES.forcedSceneHeading, 'scene_heading')[0]).toMatchObject({
      text: 'SNIPER SCOPE POV',
      forced: true,
    });
    expect(types('...and then\n')).toEqual(['action']);
  });

  it('reads scene numbers', () => {
    expect(only(SPEC_EXAMPLES.sceneNumbers, 'scene_heading').map((h) => [h.text, h.sceneNumber])).toEqual([
      ['INT. HOUSE - DAY', '1'],
      ['INT. HOUSE - DAY', '1A'],
      ['INT. HOUSE - DAY', 'I-1-A'],
      ['INT. HOUSE - DAY', '110A'],
    ]);
  });

  it('groups action paragraphs and keeps line breaks', () => {
    expect(only(SPEC_EXAMPLES.action, 'action').map((a) => a.text)).toEqual([
      'They drink long and well from the beers.',
      "And then there's a long beat.\nLonger than is funny.\nLong enough to be depressing.",
      'The men look at each other.',
    ]);
  });

  it('preserves tabs and spaces in action', () => {
    expect(only(SPEC_EXAMPLES.indentedAction, 'action')[0]!.text).toBe(
      '\t\tJack\n\tJill\n    went up the hill.',
    );
  });

  it('reads forced action', () => {
    expect(only(SPEC_EXAMPLES.forcedAction, 'action')[0]).toMatchObject({
      text: 'SCANNING THE AISLES...\nWhere is that pit boss?',
      forced: true,
    });
  });

  it('reads characters, extensions and forced characters', () => {
    expect(only(SPEC_EXAMPLES.character, 'dialogue')[0]).toMatchObject({
      character: 'STEEL',
      extensions: [],
    });
    expect(
      only(SPEC_EXAMPLES.characterExtension, 'dialogue').map((d) => [d.character, d.extensions]),
    ).toEqual([
      ['MOM', ['O. S.']],
      ['HANS', ['on the radio']],
      ['STEEL', ['V.O.', "CONT'D"]],
    ]);
    expect(only(SPEC_EXAMPLES.forcedCharacter, 'dialogue')[0]).toMatchObject({
      character: 'McCLANE',
      forced: true,
    });
  });

  it('needs an uppercase name and a following line for a character', () => {
    expect(types('Steel\nThe man is a myth!\n')).toEqual(['action']);
    expect(types('STEEL\n\nThe man.\n')).toEqual(['action', 'action']);
  });

  it('reads dialogue and parentheticals', () => {
    expect(only(SPEC_EXAMPLES.dialogue, 'dialogue')[0]!.parts).toMatchObject([
      { kind: 'text', text: expect.stringContaining("A good 'ole boy.") },
    ]);
    expect(only(SPEC_EXAMPLES.parenthetical, 'dialogue')[0]!.parts.map((p) => [p.kind, p.text])).toEqual([
      ['parenthetical', '(starting the engine)'],
      ['text', 'So much for retirement!'],
    ]);
  });

  it('marks the caret speech of dual dialogue', () => {
    expect(only(SPEC_EXAMPLES.dualDialogue, 'dialogue').map((d) => [d.character, d.dual])).toEqual([
      ['BRICK', false],
      ['STEEL', true],
    ]);
  });

  it('reads lyrics', () => {
    expect(only(SPEC_EXAMPLES.lyrics, 'lyrics')[0]!.lines).toEqual([
      'Willy Wonka! Willy Wonka! The amazing chocolatier!',
      'Willy Wonka! Willy Wonka! Everybody give a cheer!',
    ]);
  });

  it('reads natural and forced transitions', () => {
    expect(types(SPEC_EXAMPLES.transition)).toEqual(['action', 'transition', 'scene_heading']);
    expect(only(SPEC_EXAMPLES.forcedTransition, 'transition')[0]).toMatchObject({
      text: 'Burn to White.',
      forced: true,
    });
  });

  it('reads centered text', () => {
    expect(only(SPEC_EXAMPLES.centered, 'centered')[0]!.lines).toEqual(['THE END']);
    expect(only('> ONE <\n>TWO<\n', 'centered')[0]!.lines).toEqual(['ONE', 'TWO']);
  });

  it('keeps inline notes in text and reads standalone notes', () => {
    const doc = parseFountain(SPEC_EXAMPLES.note);
    expect(doc.elements.map((e) => e.type)).toEqual(['scene_heading', 'action', 'note']);
    expect((doc.elements[1] as { text: string }).text).toContain('[[Or did we think');
    expect(doc.elements[2]).toMatchObject({ text: 'It was supposed to be Vietnamese, right?' });
  });

  it('reads boneyard spanning lines, hiding headings inside it', () => {
    const doc = parseFountain(SPEC_EXAMPLES.boneyard);
    expect(doc.elements.map((e) => e.type)).toEqual(['dialogue', 'boneyard', 'action']);
    expect(doc.elements[1]).toMatchObject({ text: '\nCut this.\nINT. GARAGE - DAY\n' });
  });

  it('reads sections with depth and synopses', () => {
    expect(only(SPEC_EXAMPLES.sections, 'section').map((s) => [s.depth, s.text])).toEqual([
      [1, 'ACT I'],
      [2, 'SEQUENCE 1'],
      [3, "BRICK'S PATIO"],
    ]);
    expect(only(SPEC_EXAMPLES.synopsis, 'synopsis').map((s) => s.text)).toEqual([
      'Set up the characters and the story.',
      expect.stringContaining('new life as retirees'),
    ]);
  });

  it('reads page breaks', () => {
    expect(types(SPEC_EXAMPLES.pageBreak)).toEqual(['action', 'page_break', 'scene_heading']);
  });

  it('continues dialogue over a two-space line', () => {
    const [dealer, monkey] = only(SPEC_EXAMPLES.lineBreak, 'dialogue');
    expect(dealer!.parts.map((p) => p.kind)).toEqual(['text', 'text', 'text', 'break', 'text']);
    expect(monkey!.character).toBe('MONKEY');
  });
});

describe('parseFountain: ranges', () => {
  it('maps each element to its source text', () => {
    const text = SPEC_EXAMPLES.transition;
    const doc = parseFountain(text);
    const heading = doc.elements[2]!;
    expect(text.slice(heading.range.start, heading.range.end)).toBe("EXT. BRICK'S POOL - DAY");
    expect(heading.range).toMatchObject({ startLine: 5, endLine: 5 });
    expect(doc.elements[0]!.range).toMatchObject({ start: 0, startLine: 1, endLine: 1 });
  });

  it('keeps offsets valid with Windows line endings', () => {
    const text = SPEC_EXAMPLES.parenthetical.replace(/\n/g, '\r\n');
    const [speech] = only(text, 'dialogue');
    expect(speech!.parts[1]!.text).toBe('So much for retirement!');
    expect(text.slice(speech!.range.start, speech!.range.end)).toBe(
      'STEEL\r\n(starting the engine)\r\nSo much for retirement!',
    );
    expect(speech!.range).toMatchObject({ startLine: 1, endLine: 3 });
  });
});

describe('parseFountain: edge cases', () => {
  it('handles empty and blank input', () => {
    expect(parseFountain('')).toEqual({ titlePage: [], elements: [] });
    expect(parseFountain('\n\n  \n\t\n')).toEqual({ titlePage: [], elements: [] });
  });

  it('handles a script that is only a title page', () => {
    const doc = parseFountain('Title: Only\nAuthor: Me');
    expect(doc.titlePage.map((e) => e.values[0])).toEqual(['Only', 'Me']);
    expect(doc.elements).toEqual([]);
  });

  it('reads unicode character names', () => {
    const doc = parseFountain('ÉLODIE (V.O.)\nBonjour.\n\n@李雷\n你好。\n\nZOË ^\nHej.\n');
    expect(doc.elements.map((e) => (e.type === 'dialogue' ? e.character : e.type))).toEqual([
      'ÉLODIE',
      '李雷',
      'ZOË',
    ]);
  });

  it('treats old Mac line endings as line breaks', () => {
    expect(types('INT. HOUSE - DAY\r\rBOB\rHi.\r')).toEqual(['scene_heading', 'dialogue']);
  });

  it('parses a 10k-line script', () => {
    const scene = 'INT. OFFICE - DAY\n\nBob types.\n\nBOB\n(tired)\nAnother day.\n\n';
    const text = scene.repeat(1250);
    expect(text.split('\n').length).toBeGreaterThan(10_000);
    const doc = parseFountain(text);
    expect(doc.elements.filter((e) => e.type === 'scene_heading')).toHaveLength(1250);
    expect(doc.elements.at(-1)!.range.endLine).toBe(10_000 - 1);
  });

  it('never throws and covers only text inside the input', () => {
    const chars = fc.constantFrom(...'aA .!@#=~>< ^()[]/*_\\\n\r\t:IENTXO'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: chars, maxLength: 200 })), (text) => {
        const doc = parseFountain(text);
        for (const e of doc.elements) {
          expect(e.range.start).toBeGreaterThanOrEqual(0);
          expect(e.range.end).toBeLessThanOrEqual(text.length);
          expect(e.range.start).toBeLessThanOrEqual(e.range.end);
        }
      }),
      { numRuns: 500 },
    );
  });
});
