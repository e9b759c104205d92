import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SPEC_EXAMPLES } from './fixtures/spec-examples';
import type { FountainDocument } from './fountain-ast';
import { parseFountain } from './parse-fountain';
import { serializeFountain } from './serialize-fountain';

/** The tree without ranges: what "same AST modulo ranges" compares. */
function shape(doc: FountainDocument): unknown {
  return JSON.parse(JSON.stringify(doc, (key, value) => (key === 'range' ? undefined : value)));
}

function expectStable(text: string): void {
  const first = parseFountain(text);
  expect(shape(parseFountain(serializeFountain(first)))).toEqual(shape(first));
}

describe('serializeFountain', () => {
  it.each(Object.entries(SPEC_EXAMPLES))('round-trips the spec example %s', (_name, text) => {
    expectStable(text);
  });

  it('writes readable Fountain', () => {
    const doc = parseFountain(SPEC_EXAMPLES.titlePage + '\nSTEEL (V.O.) ^\n(beat)\nHi.\n  \nBye.\n');
    expect(serializeFountain(doc)).toBe(
      [
        'Title:',
        '    _**BRICK & STEEL**_',
        '    _**FULL RETIRED**_',
        'Credit: Written by',
        'Author: Stu Maschwitz',
        'Source: Story by KTM',
        'Draft date: 1/20/2012',
        'Contact:',
        '    Next Level Productions',
        '    1588 Mission Dr.',
        '    Solvang, CA 93463',
        '',
        "EXT. BRICK'S PATIO - DAY",
        '',
        'A gorgeous day.',
        '',
        'STEEL (V.O.) ^',
        '(beat)',
        'Hi.',
        '  ',
        'Bye.',
        '',
      ].join('\n'),
    );
  });

  it('forces elements whose natural form would read back differently', () => {
    const doc: FountainDocument = {
      titlePage: [],
      elements: [
        { type: 'action', text: 'Title: not a title page', forced: false, range: r() },
        { type: 'action', text: 'BOB\nlooks up.', forced: false, range: r() },
        { type: 'scene_heading', text: 'DREAM SEQUENCE', sceneNumber: '4', forced: false, range: r() },
        { type: 'transition', text: 'Smash cut.', forced: false, range: r() },
        {
          type: 'dialogue',
          character: 'Bob',
          extensions: [],
          forced: false,
          dual: false,
          parts: [{ kind: 'text', text: 'Hi', range: r() }],
          range: r(),
        },
      ],
    };
    const text = serializeFountain(doc);
    expect(text).toContain('!BOB\nlooks up.');
    expect(text).toContain('.DREAM SEQUENCE #4#');
    expect(text).toContain('> Smash cut.');
    expect(text).toContain('@Bob\nHi');
    const back = parseFountain(text);
    expect(back.titlePage).toEqual([]);
    expect(back.elements.map((e) => e.type)).toEqual([
      'action',
      'action',
      'scene_heading',
      'transition',
      'dialogue',
    ]);
    expect(back.elements[0]).toMatchObject({ text: 'Title: not a title page' });
  });

  it('round-trips generated scripts (property)', () => {
    const word = fc.constantFrom(
      'door',
      'Bob',
      'RUNS',
      'the',
      'night',
      'éclair',
      '*wow*',
      '_hm_',
      'a.',
      'TO:',
      '12',
    );
    const words = fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
    const upper = fc.constantFrom('BOB', 'ALICE', 'ZOË', 'DR. NO', 'R2-D2');
    const element = fc.oneof(
      fc
        .tuple(fc.constantFrom('INT.', 'EXT.', 'EST.', 'I/E', 'INT./EXT.'), words, fc.option(fc.nat(99)))
        .map(([p, w, n]) => `${p} ${w.toUpperCase()}${n === null ? '' : ` #${n}#`}`),
      words.map((w) => `.${w.toUpperCase()}`),
      fc.array(words, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('\n')),
      words.map((w) => `!${w}`),
      words.map((w) => `\t${w}`),
      fc
        .tuple(
          upper,
          fc.constantFrom('', ' (V.O.)', " (CONT'D)", ' (O.S.) ^'),
          fc.array(
            fc.oneof(
              words,
              words.map((w) => `(${w})`),
              fc.constant('  '),
              words.map((w) => `~${w}`),
            ),
            {
              minLength: 1,
              maxLength: 4,
            },
          ),
        )
        .filter(([, , parts]) => parts[0] !== '  ' && parts.at(-1) !== '  ')
        .map(([c, ext, parts]) => [c + ext, ...parts].join('\n')),
      words.map((w) => `@${w}\n${w}`),
      fc.constantFrom(
        'CUT TO:',
        'FADE OUT.',
        '> Burn to white.',
        '>THE END<',
        '===',
        '[[a note]]',
        '/* gone */',
      ),
      words.map((w) => `# ${w}`),
      words.map((w) => `## ${w}`),
      words.map((w) => `= ${w}`),
      words.map((w) => `~${w}`),
    );
    const script = fc.tuple(
      fc.option(words.map((w) => `Title: ${w}\nAuthor:\n    ${w}\n\n`)),
      fc.array(element, { maxLength: 12 }),
      fc.constantFrom('\n\n', '\n\n\n', '\r\n\r\n'),
    );
    fc.assert(
      fc.property(script, ([title, elements, sep]) => {
        const text = (title ?? '') + elements.join(sep);
        expectStable(text);
      }),
      { numRuns: 300 },
    );
  });

  it('reaches a fixed point after one pass on arbitrary text (property)', () => {
    const chars = fc.constantFrom(...'aB .!@#=~>< ^()[]/*_\\\n\t:IENTXO'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 120 }), (text) => {
        const once = serializeFountain(parseFountain(text));
        expect(serializeFountain(parseFountain(once))).toBe(once);
      }),
      { numRuns: 400 },
    );
  });
});

function r() {
  return { start: 0, end: 0, startLine: 1, endLine: 1 };
}
