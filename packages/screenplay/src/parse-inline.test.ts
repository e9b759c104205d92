import { describe, expect, it } from 'vitest';
import { parseInline, plainText } from './parse-inline';

const styled = (text: string) =>
  parseInline(text).map((n) =>
    n.type === 'text'
      ? `${n.bold ? 'B' : ''}${n.italic ? 'I' : ''}${n.underline ? 'U' : ''}:${n.text}`
      : `${n.type}:${n.text}`,
  );

describe('parseInline', () => {
  it('reads the spec emphasis forms', () => {
    expect(styled('*italics* **bold** ***bold italics*** _underline_')).toEqual([
      'I:italics',
      ': ',
      'B:bold',
      ': ',
      'BI:bold italics',
      ': ',
      'U:underline',
    ]);
  });

  it('nests underline and italics as in the spec example', () => {
    expect(styled("_Steel's face FILLS the *Leupold Mark 4* scope_.")).toEqual([
      "U:Steel's face FILLS the ",
      'IU:Leupold Mark 4',
      'U: scope',
      ':.',
    ]);
    expect(styled('_**Bold underline**_')).toEqual(['BU:Bold underline']);
  });

  it('honours escapes', () => {
    expect(styled('Steel enters the code on the keypad: **\\*9765\\***')).toEqual([
      ':Steel enters the code on the keypad: ',
      'B:*9765*',
    ]);
    expect(styled('He dialed \\*69 and then *23\\*, and then hung up.')).toEqual([
      ':He dialed *69 and then *23*, and then hung up.',
    ]);
  });

  it('leaves unmatched markers, spaced markers and snake_case alone', () => {
    expect(styled('5 * 3 = 15 and * not * this')).toEqual([':5 * 3 = 15 and * not * this']);
    expect(styled('file_name_here')).toEqual([':file_name_here']);
  });

  it('does not let emphasis span lines', () => {
    expect(styled('*start\nend*')).toEqual([':*start\nend*']);
  });

  it('separates inline notes and boneyard', () => {
    expect(styled('JACK[[real name?]] waits /* cut */ here')).toEqual([
      ':JACK',
      'note:real name?',
      ': waits ',
      'boneyard: cut ',
      ': here',
    ]);
    expect(plainText('**Bold** [[note]] _u_')).toBe('Bold  u');
  });

  it('keeps unclosed notes and boneyard as text, and still reads the other kind after them', () => {
    expect(parseInline('a [[b /* c */ d')).toEqual([
      { type: 'text', text: 'a [[b ', bold: false, italic: false, underline: false },
      { type: 'boneyard', text: ' c ' },
      { type: 'text', text: ' d', bold: false, italic: false, underline: false },
    ]);
    expect(parseInline('[[[x]] /* [[y]] */ [[z')).toEqual([
      { type: 'note', text: '[x' },
      { type: 'text', text: ' ', bold: false, italic: false, underline: false },
      { type: 'boneyard', text: ' [[y]] ' },
      { type: 'text', text: ' [[z', bold: false, italic: false, underline: false },
    ]);
  });

  it('leaves emphasis nested deeper than six levels literal', () => {
    const deep = `${'*_'.repeat(4)}x${'_*'.repeat(4)}`;
    expect(plainText(deep)).toBe('_*x*_');
    expect(plainText('*_**x**_*')).toBe('x');
  });
});
