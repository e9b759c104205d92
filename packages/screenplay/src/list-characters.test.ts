import { describe, expect, it } from 'vitest';
import { extractScenes } from './extract-scenes';
import { listCharacters } from './list-characters';
import { parseFountain } from './parse-fountain';

describe('listCharacters', () => {
  it('counts lines, words and scenes per character, most lines first', () => {
    const scenes = extractScenes(
      parseFountain(`INT. A - DAY

ALICE
Hi.

BOB (O.S.)
Hello there.
(beat)
Bye.

EXT. B - NIGHT

BOB
Again.

@McCLANE
Yippie.
`),
    );
    expect(listCharacters(scenes)).toEqual([
      { name: 'BOB', lines: 3, words: 4, scenes: [0, 1] },
      { name: 'ALICE', lines: 1, words: 1, scenes: [0] },
      { name: 'McCLANE', lines: 1, words: 1, scenes: [1] },
    ]);
  });
});
