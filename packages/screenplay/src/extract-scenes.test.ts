import { describe, expect, it } from 'vitest';
import { extractScenes, parseSceneHeading } from './extract-scenes';
import { parseFountain } from './parse-fountain';
import { ACTION_WORDS_PER_SECOND, DIALOGUE_WORDS_PER_SECOND, MIN_SCENE_SECONDS } from './reading-pace';

const script = `Title: Test

Opening text outside any scene.

INT. HOUSE - KITCHEN - NIGHT #4#

= Bob gets bad news.

Bob *stirs* the soup. The phone rings.

BOB (V.O.)
(quietly)
Hello?
Who is this?
(beat)
_Mom?_

ALICE ^
It's me.

EXT. GARDEN

> THE END <
`;

describe('extractScenes', () => {
  const scenes = extractScenes(parseFountain(script));

  it('splits at headings and reads setting, location, time and number', () => {
    expect(scenes.map((s) => [s.heading, s.setting, s.location, s.timeOfDay, s.sceneNumber])).toEqual([
      ['INT. HOUSE - KITCHEN - NIGHT', 'INT', 'HOUSE - KITCHEN', 'NIGHT', '4'],
      ['EXT. GARDEN', 'EXT', 'GARDEN', null, null],
    ]);
  });

  it('collects action, synopsis, characters and per-line dialogue for the voice step', () => {
    const [kitchen] = scenes;
    expect(kitchen!.synopsis).toBe('Bob gets bad news.');
    expect(kitchen!.action).toEqual(['Bob stirs the soup. The phone rings.']);
    expect(kitchen!.characters).toEqual(['BOB', 'ALICE']);
    expect(kitchen!.dialogue).toEqual([
      {
        character: 'BOB',
        text: 'Hello? Who is this?',
        parenthetical: 'quietly',
        extension: 'V.O.',
        extensions: ['V.O.'],
        dual: false,
      },
      {
        character: 'BOB',
        text: 'Mom?',
        parenthetical: 'beat',
        extension: 'V.O.',
        extensions: ['V.O.'],
        dual: false,
      },
      {
        character: 'ALICE',
        text: "It's me.",
        parenthetical: null,
        extension: null,
        extensions: [],
        dual: true,
      },
    ]);
  });

  it('estimates duration from the stated reading pace with a minimum', () => {
    const [kitchen, garden] = scenes;
    expect(kitchen!.dialogueWords).toBe(7);
    expect(kitchen!.actionWords).toBe(7);
    expect(kitchen!.durationSec).toBeCloseTo(7 / DIALOGUE_WORDS_PER_SECOND + 7 / ACTION_WORDS_PER_SECOND, 1);
    expect(garden!.durationSec).toBe(MIN_SCENE_SECONDS);
  });

  it('gives ranges that cover the scene text', () => {
    const [kitchen] = scenes;
    const text = script.slice(kitchen!.range.start, kitchen!.range.end);
    expect(text.startsWith('INT. HOUSE - KITCHEN - NIGHT #4#')).toBe(true);
    expect(text.endsWith("It's me.")).toBe(true);
    expect(kitchen!.headingRange.startLine).toBe(5);
  });

  it('parses forced and odd headings', () => {
    expect(parseSceneHeading('SNIPER SCOPE POV')).toEqual({
      setting: null,
      location: 'SNIPER SCOPE POV',
      timeOfDay: null,
    });
    expect(parseSceneHeading("INT./EXT. BRICK'S CAR - DAY").setting).toBe('INT/EXT');
    expect(parseSceneHeading('I/E CAR - DAY').setting).toBe('INT/EXT');
    expect(parseSceneHeading('EST. CITY – DAWN')).toEqual({
      setting: 'EST',
      location: 'CITY',
      timeOfDay: 'DAWN',
    });
  });

  it('returns no scenes for a script without headings', () => {
    expect(extractScenes(parseFountain('Just action.\n'))).toEqual([]);
    expect(ACTION_WORDS_PER_SECOND).toBeGreaterThan(0);
  });
});
