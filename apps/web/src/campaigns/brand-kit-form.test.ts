import { brandKitStyleSchema } from '@clapboard/shared/campaigns';
import { describe, expect, it } from 'vitest';
import { captionPreviewStyle, rgba, settingLabel, settingValueText } from './brand-kit-form';
import { linesOf, numbersOf, wordsOf } from './text-lists';

describe('kit form', () => {
  it('names a setting and its value as a person reads them', () => {
    expect(settingLabel('palette.accent')).toBe('Palette: accent');
    expect(settingLabel('captionStyle.backgroundOpacity')).toBe('Captions: background opacity');
    expect(settingLabel('writing.mustSay')).toBe('Writing: must-say lines');
    expect(settingLabel('name')).toBe('Name');
    expect(settingValueText(true)).toBe('on');
    expect(settingValueText(['a', 'b'])).toBe('a, b');
    expect(settingValueText(null)).toBe('none');
    expect(settingValueText('#ff7043')).toBe('#ff7043');
  });
});

describe('caption preview', () => {
  it('sizes the text as a share of the frame and draws the box at its opacity', () => {
    const caption = brandKitStyleSchema.parse({}).captionStyle;
    expect(
      captionPreviewStyle({ ...caption, size: 0.05, uppercase: true, position: 'top' }, 400),
    ).toMatchObject({
      fontSize: '20px',
      background: 'rgba(0, 0, 0, 0.55)',
      textTransform: 'uppercase',
      alignSelf: 'start',
    });
    expect(captionPreviewStyle({ ...caption, backgroundOpacity: 0 }, 400).background).toBe('transparent');
  });
  it('reads #rrggbb', () => {
    expect(rgba('#1f6feb', 2)).toBe('rgba(31, 111, 235, 1)');
  });
});

describe('text lists', () => {
  it('splits lines, words and numbers, dropping blanks', () => {
    expect(linesOf(' Now in every café \n\n Try it today ')).toEqual(['Now in every café', 'Try it today']);
    expect(wordsOf('cheap, free\n  guaranteed ,')).toEqual(['cheap', 'free', 'guaranteed']);
    expect(numbersOf('15, 30 60')).toEqual([15, 30, 60]);
    expect(numbersOf('15, abc')).toEqual([15, Number.NaN]);
  });
});
