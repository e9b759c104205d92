import type { BrandWriting, BriefFields, DraftScene, StoryboardDraft } from '@clapboard/shared/campaigns';
import {
  type BannedInBrief,
  bannedWordMatcher,
  bannedWordsInBrief,
  checkDraftRules,
  draftRules,
} from './draft-rules';
import { fitDurations } from './fit-durations';
import { countWords, estimateSceneSeconds } from './reading-pace';

/**
 * The brief cannot be drafted without breaking its own rules: its text (or a must-say line of the
 * brand kit) holds a banned word that the draft would have to carry.
 */
export class BriefRulesError extends Error {
  override name = 'BriefRulesError';
  /** @param problems sentences, e.g. "its product contains the banned word 'cheap'" */
  constructor(readonly problems: readonly string[]) {
    super(
      `The brief cannot be drafted: ${problems.join('; ')}. Reword it or take the word off the banned list.`,
    );
  }

  /** The error for banned words found in the brief (`bannedWordsInBrief`). */
  static of(found: readonly BannedInBrief[]): BriefRulesError {
    return new BriefRulesError(found.map((f) => `its ${f.field} contains the banned word '${f.word}'`));
  }
}

/** Most spoken lines a draft scene holds (`draftSceneSchema`). */
const MAX_LINES = 8;
/** Longest spoken line (`draftSceneSchema`); longer text is split at word boundaries. */
const MAX_LINE_CHARS = 400;

/** How each tone opens: the hook's picture. */
const TONE_OPENERS: Record<BriefFields['tone'], string> = {
  friendly: 'A warm, bright opening shot',
  bold: 'A punchy, high-contrast opening shot',
  premium: 'A slow, elegant opening shot',
  playful: 'A playful, colourful opening shot',
  serious: 'A calm, steady opening shot',
  warm: 'A soft, golden-light opening shot',
  technical: 'A clean, precise opening shot',
};

/** Text cut to `max` characters at a word boundary (with an ellipsis when cut). */
function clip(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Text as spoken lines of at most MAX_LINE_CHARS, split between words (never inside one). */
function speak(text: string): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ').filter(Boolean);
  const out: string[] = [];
  let line = '';
  for (const word of words) {
    const next = line ? `${line} ${word}` : word;
    if (next.length > MAX_LINE_CHARS && line) {
      out.push(line);
      line = word.slice(0, MAX_LINE_CHARS);
    } else line = next.slice(0, MAX_LINE_CHARS);
  }
  if (line) out.push(line);
  return out;
}

/**
 * A storyboard drafted without a model, from the brief's own words: a hook that speaks the key
 * message, a product scene and an audience scene that speak the must-say lines (brief and brand
 * kit; any that do not fit there are spoken before the call to action), and an end scene that
 * speaks the call to action. Scene lengths follow the reading pace of what each holds, scaled so
 * they add up to `durationSec` (default the brief's first duration), each 1–60 s.
 *
 * The template's own words (headings, directions, the narrator's name) are chosen from
 * alternatives so that none holds a banned word; the brief's text is used verbatim.
 *
 * @throws BriefRulesError when the brief's own text (or a must-say line of the kit) holds a banned
 *   word (the draft would have to carry it), or no wording of the template avoids one
 */
export function templateDraft(
  brief: BriefFields,
  writing?: BrandWriting | null,
  { durationSec = brief.durations[0] ?? 30 }: { durationSec?: number } = {},
): StoryboardDraft {
  const rules = draftRules(brief, writing);
  const found = bannedWordsInBrief(brief, writing, rules);
  if (found.length) throw BriefRulesError.of(found);
  const banned = bannedWordMatcher(rules.bannedWords);
  /** The first alternative without a banned word; the last one is a bare fallback. */
  const pick = (...alternatives: string[]) =>
    alternatives.find((a) => banned(a).length === 0) ?? alternatives.at(-1)!;

  const narrator = pick('NARRATOR', 'VOICE', 'VO', 'N');
  const say = (text: string) => speak(text).map((t) => ({ speaker: narrator, text: t }));
  const product = clip(brief.product, 500);
  const audience = clip(brief.audience, 500);
  const cta = brief.callToAction.trim();

  // The must-say lines, shared between the product and audience scenes; what does not fit is said
  // before the call to action (10 + 10 lines at most: 8 + 8 + 4 always fit).
  const mustSay = rules.mustSay.flatMap(say);
  const half = Math.min(MAX_LINES, Math.ceil(mustSay.length / 2));
  const productLines = mustSay.slice(0, half);
  const audienceLines = mustSay.slice(half, half + MAX_LINES);
  const ctaLines = [...mustSay.slice(half + MAX_LINES), ...(cta ? say(cta) : [])];

  const opener = TONE_OPENERS[brief.tone];
  const scenes: Omit<DraftScene, 'durationSec'>[] = [
    {
      heading: pick('HOOK', 'OPENING', 'OPEN', '1'),
      action: pick(`${opener} that carries the key message.`, `${opener}.`, ''),
      lines: say(brief.keyMessage).slice(0, MAX_LINES),
      shot: 'close',
      imagePrompt: clip(pick(`${opener}: ${brief.keyMessage}`, brief.keyMessage), 500),
    },
    {
      heading: pick('THE PRODUCT', 'PRODUCT', 'WHAT IT IS', '2'),
      action: product,
      lines: productLines,
      shot: 'medium',
      imagePrompt: product,
    },
    {
      heading: pick('WHO IT IS FOR', 'THE AUDIENCE', 'FOR THEM', '3'),
      action: clip(pick(`Seen through the eyes of ${audience}.`, audience), 1000),
      lines: audienceLines,
      shot: 'wide',
      imagePrompt: clip(pick(`${audience}, with ${product}`, audience), 500),
    },
    {
      heading: pick('CALL TO ACTION', 'END CARD', 'CLOSE', '4'),
      action: clip(pick(`End card: ${cta || product}`, cta || product), 1000),
      lines: ctaLines.slice(0, MAX_LINES),
      shot: 'close',
      imagePrompt: clip(pick(`End card with the words "${cta || brief.title}"`, cta || brief.title), 500),
    },
  ];
  const reading = scenes.map((s) =>
    estimateSceneSeconds(
      s.lines.reduce((n, l) => n + countWords(l.text), 0),
      countWords(s.action),
    ),
  );
  const seconds = fitDurations(reading, durationSec);
  const draft = {
    title: clip(brief.title, 200),
    scenes: scenes.map((s, i) => ({ ...s, durationSec: seconds[i]! })),
  };
  // Every alternative of a template phrase banned, or a word cut in half by `clip`: say so rather
  // than write a draft that breaks the rules.
  const problems = checkDraftRules(draft, rules);
  if (problems.length) throw new BriefRulesError(problems);
  return draft;
}
