import { extractScenes, parseFountain } from '@clapboard/screenplay';
import { describe, expect, it } from 'vitest';
import {
  SCRIPT_PARSE_DEFAULTS,
  sceneHeadingKey,
  scriptParseStats,
  scriptSceneRanges,
} from './script-scene-ranges';

const script = (n: number, tag: string) =>
  Array.from(
    { length: n },
    (_, i) => `INT.  ${tag} room ${i} - day\n\nAda walks in.\n\nADA\n(quietly)\nHello ${i}.\n\n`,
  ).join('');

describe('scriptSceneRanges', () => {
  it('a large script parsed on the parser thread gives what parsing inline gives', async () => {
    const big = script(3000, 'big');
    expect(big.length).toBeGreaterThan(SCRIPT_PARSE_DEFAULTS.inlineMaxChars);
    const expected = extractScenes(parseFountain(big)).map((s) => ({
      key: sceneHeadingKey(s.heading),
      start: s.range.start,
      end: s.range.end,
    }));
    const before = { ...scriptParseStats };
    const got = await scriptSceneRanges(big);
    expect(got).toEqual(expected);
    expect(scriptParseStats).toEqual({
      threaded: before.threaded + 1,
      inlineFallback: before.inlineFallback,
    });
    expect(got[5]!.key).toBe('INT. BIG ROOM 5 - DAY');
    // The same script again (and at once) is one parse: the same promise from the cache.
    expect(scriptSceneRanges(big)).toBe(scriptSceneRanges(big));
  });

  it('small scripts are parsed inline; an empty one has no scenes', async () => {
    expect(await scriptSceneRanges('')).toEqual([]);
    expect((await scriptSceneRanges(script(2, 'small'))).map((s) => s.key)).toEqual([
      'INT. SMALL ROOM 0 - DAY',
      'INT. SMALL ROOM 1 - DAY',
    ]);
  });
});
