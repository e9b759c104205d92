import { describe, expect, it } from 'vitest';
import { isSafeText, safeText } from './text';

describe('safeText', () => {
  it('refuses NUL and unpaired surrogates, accepts paired ones and ordinary text', () => {
    for (const bad of ['\u0000', 'a\u0000b', '\ud800', 'x\udc00', '\udc00\ud800', 'end\ud83c'])
      expect(isSafeText(bad), JSON.stringify(bad)).toBe(false);
    for (const good of ['', 'plain', 'tab\tnew\nline', '🎬', 'a😀b', 'ÅÄÖ ü 漢字'])
      expect(isSafeText(good), good).toBe(true);
  });

  it('chains like z.string(): trims and bounds after the check', () => {
    const name = safeText().trim().min(1).max(5);
    expect(name.parse('  ok  ')).toBe('ok');
    expect(name.safeParse('o\u0000k').success).toBe(false);
    expect(name.safeParse('toolong').success).toBe(false);
  });
});
