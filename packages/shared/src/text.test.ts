import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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

describe('every shared contract uses safeText for its strings', () => {
  // Document content (read from Y.Docs, not HTTP), the error body we send, and safeText itself.
  const EXEMPT = new Set(['document.ts', 'errors.ts', 'text.ts']);
  const root = import.meta.dirname;
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? sources(join(dir, e.name))
        : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
          ? [join(dir, e.name)]
          : [],
    );

  it('no bare z.string() outside the exempt files (use safeText() from ./text)', () => {
    const offenders = sources(root)
      .filter((f) => !EXEMPT.has(relative(root, f)))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .flatMap((line, i) => (line.includes('z.string()') ? [`${relative(root, f)}:${i + 1}`] : [])),
      );
    expect(offenders).toEqual([]);
  });
});
