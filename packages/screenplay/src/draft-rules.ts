import type { BrandWriting, BriefFields, StoryboardDraft } from '@clapboard/shared/campaigns';

/**
 * What a storyboard drafted from a brief must hold: every must-say line spoken verbatim, and none of
 * the banned words or phrases anywhere. Brief and brand kit lists are merged (`draftRules`).
 */
export interface DraftRules {
  mustSay: string[];
  bannedWords: string[];
}

/** Lower case, runs of whitespace as one space, trimmed: how must-say lines are compared. */
export function normalizeSpoken(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * The brief's lists plus the brand kit's (`writing`, absent when the campaign has no kit), each
 * entry once (compared as `normalizeSpoken`), the brief's first.
 */
export function draftRules(
  brief: Pick<BriefFields, 'mustSay' | 'bannedWords'>,
  writing?: Pick<BrandWriting, 'mustSay' | 'bannedWords'> | null,
): DraftRules {
  const merge = (...lists: readonly (readonly string[])[]) => {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const item of lists.flat()) {
      const key = normalizeSpoken(item);
      if (!key || seen.has(key)) continue;
      seen.add(key);
      out.push(item.trim());
    }
    return out;
  };
  return {
    mustSay: merge(brief.mustSay, writing?.mustSay ?? []),
    bannedWords: merge(brief.bannedWords, writing?.bannedWords ?? []),
  };
}

const WORD = '[\\p{L}\\p{N}_]';

/**
 * A matcher for banned words: each entry whole-word (not inside a longer word: `cheap` is found in
 * "Cheap!" and "cheap-looking", not in "cheaper"), case-insensitive, spaces in a phrase matching any
 * run of whitespace. Entries are bounded by the contract (≤ 100 of ≤ 60 characters), so one
 * compiled pattern each is cheap.
 */
export function bannedWordMatcher(bannedWords: readonly string[]): (text: string) => string[] {
  const patterns = bannedWords.map((word) => ({
    word,
    re: new RegExp(
      `(?<!${WORD})${word
        .trim()
        .split(/\s+/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('\\s+')}(?!${WORD})`,
      'iu',
    ),
  }));
  return (text) => patterns.filter((p) => p.re.test(text)).map((p) => p.word);
}

/** The banned words (entries of `bannedWords`) that `text` holds, whole-word and case-insensitive. */
export function findBannedWords(text: string, bannedWords: readonly string[]): string[] {
  return bannedWordMatcher(bannedWords)(text);
}

/** Where in a draft a piece of text sits, as a person reads it ("scene 2, line 1"). */
function placesOf(draft: StoryboardDraft): { where: string; text: string }[] {
  const out = [{ where: 'the title', text: draft.title }];
  draft.scenes.forEach((scene, i) => {
    const at = `scene ${i + 1}`;
    out.push({ where: `${at} heading`, text: scene.heading }, { where: `${at} action`, text: scene.action });
    scene.lines.forEach((line, j) => {
      out.push({ where: `${at}, line ${j + 1} speaker`, text: line.speaker });
      out.push({ where: `${at}, line ${j + 1}`, text: line.text });
    });
    out.push({ where: `${at} image prompt`, text: scene.imagePrompt });
  });
  return out;
}

/**
 * Checks a draft against the rules, after generation: every must-say line must appear verbatim
 * (case-insensitive, whitespace-normalised) inside one spoken line, and no banned word may appear in
 * any text of the draft (title, headings, action, speakers, lines, image prompts).
 *
 * @returns the problems as sentences a model (and a person) can act on; empty when the draft complies
 */
export function checkDraftRules(draft: StoryboardDraft, rules: DraftRules): string[] {
  const problems: string[] = [];
  const spoken = draft.scenes.flatMap((s) => s.lines.map((l) => normalizeSpoken(l.text)));
  for (const line of rules.mustSay) {
    const want = normalizeSpoken(line);
    if (!spoken.some((s) => s.includes(want))) problems.push(`missing must-say line '${line}'`);
  }
  if (rules.bannedWords.length) {
    const banned = bannedWordMatcher(rules.bannedWords);
    for (const place of placesOf(draft))
      for (const word of banned(place.text)) problems.push(`banned word '${word}' in ${place.where}`);
  }
  return problems;
}

/** A banned word found in the brief's (or the brand kit's) own text, and which field holds it. */
export interface BannedInBrief {
  word: string;
  field: string;
}

/**
 * The banned words the brief's own text holds (title, product, audience, key message, call to
 * action, the must-say lines of the brief and of the kit): such a brief cannot be drafted, since
 * the draft must speak those texts and may not contain the words.
 */
export function bannedWordsInBrief(
  brief: Pick<BriefFields, 'title' | 'product' | 'audience' | 'keyMessage' | 'callToAction' | 'mustSay'>,
  writing: Pick<BrandWriting, 'mustSay'> | null | undefined,
  rules: DraftRules,
): BannedInBrief[] {
  if (!rules.bannedWords.length) return [];
  const banned = bannedWordMatcher(rules.bannedWords);
  const fields: [string, string][] = [
    ['title', brief.title],
    ['product', brief.product],
    ['audience', brief.audience],
    ['keyMessage', brief.keyMessage],
    ['callToAction', brief.callToAction],
    ...brief.mustSay.map((line, i): [string, string] => [`mustSay[${i}]`, line]),
    ...(writing?.mustSay ?? []).map((line, i): [string, string] => [`brandKit.mustSay[${i}]`, line]),
  ];
  return fields.flatMap(([field, text]) => banned(text).map((word) => ({ word, field })));
}
