import type { DraftRules } from '@clapboard/screenplay';
import type { BrandWriting, BriefFields } from '@clapboard/shared/campaigns';
import type { ChatMessage } from '../../providers/task-interfaces';

/** What a storyboard is drafted from: the brief, the kit's writing rules, the merged lists, a length. */
export interface StoryboardAsk {
  brief: BriefFields;
  writing: BrandWriting | null;
  rules: DraftRules;
  /** Target length of the film in seconds (the brief's first duration). */
  durationSec: number;
}

/** Most scenes the draft schema takes, and the fewest seconds a scene lasts. */
const MAX_SCENES = 20;
const MIN_SCENE_SEC = 1;

/** How many scenes a film of `durationSec` seconds is asked for: about one per 6 s, 3 to 8. */
export function suggestedScenes(durationSec: number): number {
  return Math.min(8, Math.max(3, Math.round(durationSec / 6)), Math.floor(durationSec / MIN_SCENE_SEC));
}

const quote = (s: string) => JSON.stringify(s);

/**
 * The conversation that asks for a storyboard draft: the brief (product, audience, key message,
 * tone, platforms, call to action), the brand's voice, every line that must be spoken word for word
 * and every word that may not appear, the target length, and the shape and limits of the JSON
 * answer (the schema travels separately as the provider's structured-output format; the limits are
 * repeated here because providers drop string lengths from it).
 */
export function storyboardMessages(ask: StoryboardAsk): ChatMessage[] {
  const { brief, writing, rules, durationSec } = ask;
  const scenes = suggestedScenes(durationSec);
  const system = [
    'You are a copywriter and storyboard artist for short video ads.',
    'Answer with one JSON object only, no prose and no code fences, following the given JSON schema:',
    '{ "title": string, "scenes": [{ "heading": string, "action": string, "lines": [{ "speaker": string, "text": string }], "durationSec": number, "shot": "wide" | "medium" | "close", "imagePrompt": string }] }.',
    `Limits: title at most 200 characters; 1 to ${MAX_SCENES} scenes; a heading at most 120 characters (a screenplay scene heading such as "INT. CAFE - DAY");`,
    'action (what we see) at most 1000 characters; at most 8 spoken lines per scene, each at most 400 characters, speaker a character name or NARRATOR;',
    'durationSec from 1 to 60; imagePrompt (a picture of the scene for an image model) at most 500 characters.',
    'Spoken lines are plain text: no markdown, no stage directions, no URLs.',
    'Lines marked MUST SAY are spoken word for word inside one spoken line each. Words marked NEVER USE appear nowhere in the answer: not in the title, headings, action, speaker names, lines or image prompts.',
  ].join('\n');
  const user = [
    `Brief: ${brief.title}`,
    `Product: ${brief.product}`,
    `Audience: ${brief.audience}`,
    `Key message: ${brief.keyMessage}`,
    `Tone: ${brief.tone}.`,
    writing?.voice ? `Brand voice: ${writing.voice}` : null,
    brief.platforms.length ? `Platforms: ${brief.platforms.join(', ')}.` : null,
    brief.callToAction ? `Call to action (end on it): ${brief.callToAction}` : null,
    `Length: ${durationSec} seconds in total, in about ${scenes} scenes; the scenes' durationSec add up to ${durationSec}.`,
    rules.mustSay.length ? `MUST SAY, each word for word: ${rules.mustSay.map(quote).join(', ')}.` : null,
    rules.bannedWords.length ? `NEVER USE: ${rules.bannedWords.map(quote).join(', ')}.` : null,
    'Open with a hook that carries the key message.',
  ]
    .filter((l): l is string => l !== null)
    .join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}
