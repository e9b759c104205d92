import { type BriefFields, briefFieldsSchema, storyboardDraftSchema } from '@clapboard/shared/campaigns';
import { describe, expect, it } from 'vitest';
import { bannedWordsInBrief, checkDraftRules, draftRules, findBannedWords } from './draft-rules';
import { draftToFountain } from './draft-to-fountain';
import { extractScenes } from './extract-scenes';
import { fitDurations } from './fit-durations';
import { parseFountain } from './parse-fountain';
import { BriefRulesError, templateDraft } from './template-draft';

const brief = (over: Partial<BriefFields> = {}): BriefFields =>
  briefFieldsSchema.parse({
    title: 'Spring launch',
    product: 'Oatly Barista, an oat drink that foams like milk',
    audience: 'busy baristas in city cafés',
    keyMessage: 'Foams like milk, tastes like oats.',
    mustSay: ['Made from Swedish oats', 'Now in every café'],
    bannedWords: ['cheap', 'dairy'],
    tone: 'bold',
    durations: [30, 15],
    callToAction: 'Ask for it by name.',
    ...over,
  });

describe('draft rules', () => {
  it('matches banned words whole-word, case-insensitively, phrases across any whitespace', () => {
    const words = ['cheap', 'best in class', '#1'];
    expect(findBannedWords('CHEAP thrills', words)).toEqual(['cheap']);
    expect(findBannedWords('a cheap-looking can', words)).toEqual(['cheap']);
    expect(findBannedWords('cheaper by the dozen', words)).toEqual([]);
    expect(findBannedWords('truly Best\n in   class', words)).toEqual(['best in class']);
    expect(findBannedWords('we are #1!', words)).toEqual(['#1']);
    expect(findBannedWords('#10 on the list', words)).toEqual([]);
  });

  it('merges brief and kit lists once each, and finds the missing must-say and every banned word', () => {
    const rules = draftRules(
      { mustSay: ['Made from oats'], bannedWords: ['cheap'] },
      { mustSay: ['made  from OATS', 'Since 1994'], bannedWords: ['Cheap', 'milk'] },
    );
    expect(rules).toEqual({ mustSay: ['Made from oats', 'Since 1994'], bannedWords: ['cheap', 'milk'] });
    const draft = storyboardDraftSchema.parse({
      title: 'Not cheap',
      scenes: [
        {
          heading: 'INT. CAFE - DAY',
          action: 'Steam.',
          lines: [{ speaker: 'ANNA', text: 'It is  MADE FROM oats, friend.' }],
          durationSec: 5,
          imagePrompt: 'a glass of milk',
        },
      ],
    });
    expect(checkDraftRules(draft, rules)).toEqual([
      "missing must-say line 'Since 1994'",
      "banned word 'cheap' in the title",
      "banned word 'milk' in scene 1 image prompt",
    ]);
  });

  it('names the brief fields that hold a banned word', () => {
    const b = brief({ product: 'A cheap oat drink', mustSay: ['No dairy at all'] });
    const kit = { voice: '', mustSay: ['Cheap and cheerful'], bannedWords: [] };
    expect(bannedWordsInBrief(b, kit, draftRules(b, kit))).toEqual([
      { word: 'cheap', field: 'product' },
      { word: 'dairy', field: 'mustSay[0]' },
      { word: 'cheap', field: 'brandKit.mustSay[0]' },
    ]);
  });
});

describe('fitDurations', () => {
  it('adds up exactly, in proportion, within the bounds', () => {
    expect(fitDurations([1, 1, 1, 1], 30)).toEqual([8, 8, 7, 7]);
    expect(fitDurations([2, 6, 2], 10)).toEqual([2, 6, 2]);
    // A tiny weight still gets its second; a huge one stops at the maximum.
    expect(fitDurations([0, 100, 1], 5)).toEqual([1, 3, 1]);
    expect(fitDurations([100, 1, 1, 1], 180)).toEqual([60, 40, 40, 40]);
    for (const total of [5, 17, 99, 180]) {
      const parts = fitDurations([3.3, 0.2, 7, 1.1], total);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(parts.every((p) => Number.isInteger(p) && p >= 1 && p <= 60)).toBe(true);
    }
  });

  it('refuses what cannot fit', () => {
    expect(() => fitDurations([1, 1, 1], 2)).toThrow(RangeError);
    expect(() => fitDurations([1, 1], 121)).toThrow(/2 scene\(s\) of 1–60 s cannot add up to 121 s/);
  });
});

describe('templateDraft', () => {
  it('hooks with the key message, speaks every must-say line, ends on the call to action, sums to the target', () => {
    const kit = { voice: 'Plain and warm', mustSay: ['Oatly. Wow no cow.'], bannedWords: ['milky'] };
    const draft = templateDraft(brief(), kit);
    expect(storyboardDraftSchema.parse(draft)).toEqual(draft);
    expect(draft.title).toBe('Spring launch');
    expect(draft.scenes.map((s) => s.heading)).toEqual([
      'HOOK',
      'THE PRODUCT',
      'WHO IT IS FOR',
      'CALL TO ACTION',
    ]);
    expect(draft.scenes[0]!.lines.map((l) => l.text)).toEqual(['Foams like milk, tastes like oats.']);
    expect(draft.scenes.at(-1)!.lines.at(-1)!.text).toBe('Ask for it by name.');
    expect(draft.scenes.reduce((n, s) => n + s.durationSec, 0)).toBe(30);
    expect(checkDraftRules(draft, draftRules(brief(), kit))).toEqual([]);
    const spoken = draft.scenes.flatMap((s) => s.lines.map((l) => l.text));
    for (const line of ['Made from Swedish oats', 'Now in every café', 'Oatly. Wow no cow.'])
      expect(spoken).toContain(line);
    // Another target length is honoured too.
    const short = templateDraft(brief(), kit, { durationSec: 5 });
    expect(short.scenes.map((s) => s.durationSec).reduce((a, b) => a + b)).toBe(5);
  });

  it('fits twenty must-say lines, at most eight lines a scene', () => {
    const many = Array.from({ length: 10 }, (_, i) => `Brief line ${i + 1}`);
    const kitLines = Array.from({ length: 10 }, (_, i) => `Kit line ${i + 1}`);
    const draft = templateDraft(brief({ mustSay: many }), { voice: '', mustSay: kitLines, bannedWords: [] });
    expect(storyboardDraftSchema.safeParse(draft).success).toBe(true);
    expect(draft.scenes.every((s) => s.lines.length <= 8)).toBe(true);
    const spoken = draft.scenes.flatMap((s) => s.lines.map((l) => l.text));
    for (const line of [...many, ...kitLines]) expect(spoken).toContain(line);
  });

  it('never brings in a banned word of its own, choosing other wording', () => {
    const b = brief({ bannedWords: ['product', 'hook', 'narrator', 'punchy', 'end card'] });
    const draft = templateDraft(b);
    expect(checkDraftRules(draft, draftRules(b))).toEqual([]);
    expect(draft.scenes[0]!.heading).toBe('OPENING');
    expect(draft.scenes[1]!.heading).toBe('WHAT IT IS');
    expect(draft.scenes[0]!.lines[0]!.speaker).toBe('VOICE');
  });

  it('refuses a brief whose own text holds a banned word, naming it', () => {
    expect(() => templateDraft(brief({ keyMessage: 'Not your cheap oat drink' }))).toThrow(BriefRulesError);
    expect(() => templateDraft(brief({ keyMessage: 'Not your cheap oat drink' }))).toThrow(
      "The brief cannot be drafted: its keyMessage contains the banned word 'cheap'.",
    );
  });
});

describe('draftToFountain', () => {
  it('reads back as one script scene per draft scene, text verbatim', () => {
    const draft = storyboardDraftSchema.parse({
      title: 'Oat *power*',
      scenes: [
        {
          heading: 'INT. CAFE - MORNING',
          action: 'A barista pours.\n\n# Not a section',
          lines: [
            { speaker: 'Anna', text: 'It foams *like* milk_ish [[really]] /* yes */' },
            { speaker: 'narrator (v.o.)', text: '= also not a synopsis' },
          ],
          durationSec: 4,
          shot: 'close',
          imagePrompt: 'latte art',
        },
        { heading: 'Pack shot', action: 'ALL CAPS ACTION', lines: [], durationSec: 3 },
        { heading: '.forced twice', lines: [{ speaker: 'BO', text: '~ not a lyric' }], durationSec: 2 },
      ],
    });
    const { fountain, sceneFields } = draftToFountain(draft);
    const parsed = parseFountain(fountain);
    expect(parsed.titlePage.map((e) => [e.key, e.values])).toEqual([['Title', ['Oat *power*']]]);
    const scenes = extractScenes(parsed);
    expect(scenes.map((s) => s.heading)).toEqual(['INT. CAFE - MORNING', 'Pack shot', 'forced twice']);
    expect(scenes[0]!.action).toEqual(['A barista pours.', '# Not a section']);
    expect(scenes[0]!.dialogue.map((d) => [d.character, d.text])).toEqual([
      ['ANNA', 'It foams *like* milk_ish [[really]] /* yes */'],
      ['NARRATOR V.O.', '= also not a synopsis'],
    ]);
    expect(scenes[1]!.action).toEqual(['ALL CAPS ACTION']);
    expect(scenes[2]!.dialogue.map((d) => d.text)).toEqual(['~ not a lyric']);
    expect(sceneFields).toEqual([
      {
        durationSec: 4,
        shot: 'close',
        imagePrompt: 'latte art',
        synopsis: 'A barista pours.\n\n# Not a section',
      },
      { durationSec: 3, shot: 'medium', imagePrompt: '', synopsis: 'ALL CAPS ACTION' },
      { durationSec: 2, shot: 'medium', imagePrompt: '', synopsis: '' },
    ]);
  });
});
