import { describe, expect, it } from 'vitest';
import { castGender, genderInText, introductionNotes } from './cast-gender';

const SCRIPT = `Title: Dawn

INT. KITCHEN - MORNING

ANNA (30s, she/her) pours coffee. TOM, a retired sailor in his sixties, reads the paper.
ANNA hands TOM his cup.

ANNA
Morning.

TOM
Morning to you.
`;

describe('castGender', () => {
  it('reads pronouns and words in a note; nothing or a tie states nothing', () => {
    expect(genderInText('30s, she/her')).toBe('female');
    expect(genderInText('a retired sailor in his sixties')).toBe('male');
    expect(genderInText('the mother of two')).toBe('female');
    expect(genderInText('a nurse')).toBeNull();
    expect(genderInText('he/she')).toBeNull();
    // Inside other words, not a pronoun: "the", "shell", "here", "manuscript".
    expect(genderInText('the shell is here with the manuscript')).toBeNull();
  });

  it('takes only what introduces the character: the parenthetical or the appositive after the name', () => {
    expect(introductionNotes(SCRIPT, 'ANNA')).toEqual(['30s, she/her']);
    expect(introductionNotes(SCRIPT, 'TOM')).toEqual(['a retired sailor in his sixties']);
    // "ANNA hands TOM his cup" says nothing of ANNA: "his" is TOM's.
    expect(castGender({ name: 'Anna', script: SCRIPT })).toBe('female');
    expect(castGender({ name: 'TOM', script: SCRIPT })).toBe('male');
    expect(castGender({ name: 'NOBODY', script: SCRIPT })).toBeNull();
  });

  it('an explicit gender wins over the description, which wins over the script', () => {
    expect(castGender({ name: 'ANNA', gender: 'male', description: 'a woman', script: SCRIPT })).toBe('male');
    expect(castGender({ name: 'ANNA', description: 'A man in a hurry', script: SCRIPT })).toBe('male');
    expect(castGender({ name: 'ANNA', description: 'a nurse', script: SCRIPT })).toBe('female');
  });
});
