import { describe, expect, it } from 'vitest';
import { wordAt } from './word-at';

describe('wordAt', () => {
  const words = [
    { startSec: 1, endSec: 1.4 },
    { startSec: 1.5, endSec: 2 },
    { startSec: 4, endSec: 4.5 },
  ];
  it('finds the word being spoken, holding it through the pause after it', () => {
    expect(wordAt(words, 0.5)).toBe(-1);
    expect(wordAt(words, 1)).toBe(0);
    expect(wordAt(words, 1.45)).toBe(0);
    expect(wordAt(words, 1.7)).toBe(1);
    expect(wordAt(words, 3)).toBe(1);
    expect(wordAt(words, 9)).toBe(2);
    expect(wordAt([], 1)).toBe(-1);
  });
});
