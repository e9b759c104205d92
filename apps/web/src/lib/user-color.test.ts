import { describe, expect, it } from 'vitest';
import { initials, userColor } from './user-color';

const PALETTE = ['#f5c518', '#4cd47e', '#58a6ff', '#ff7b72', '#d2a8ff', '#ffa657', '#39c5cf', '#f778ba'];

describe('userColor', () => {
  it('is the same colour for the same id every time (across tabs and sessions)', () => {
    const id = '3f1c2b9e-7a64-4d0e-9c51-2b8f6a0d4e17';
    expect(userColor(id)).toBe(userColor(`${id}`));
    expect(PALETTE).toContain(userColor(id));
  });

  it('follows the 31-hash over the palette (fixed values, so a changed formula shows)', () => {
    // h('a') = 97 → 97 % 8 = 1; h('b') = 98 → 2; h('ab') = 97 * 31 + 98 = 3105 → 1.
    expect(userColor('a')).toBe('#4cd47e');
    expect(userColor('b')).toBe('#58a6ff');
    expect(userColor('ab')).toBe('#4cd47e');
    expect(userColor('')).toBe('#f5c518');
  });

  it('spreads many ids over the whole palette', () => {
    const used = new Set(Array.from({ length: 64 }, (_, i) => userColor(`user-${i}`)));
    expect(used.size).toBe(PALETTE.length);
  });
});

describe('initials', () => {
  it('takes the first and last word, upper-cased', () => {
    expect(initials('ada lovelace')).toBe('AL');
    expect(initials('  Grace   Brewster  Hopper ')).toBe('GH');
    expect(initials('Plato')).toBe('P');
  });
  it('shows a question mark for an empty name', () => {
    expect(initials('   ')).toBe('?');
  });
});
