import {
  type Brief,
  type BriefFields,
  briefInputSchema,
  type Platform,
  type TONES,
} from '@clapboard/shared/campaigns';
import { ApiError } from '../lib/api-client';
import { fieldErrorsOf } from '../lib/field-errors';
import { linesOf, numbersOf, wordsOf } from './text-lists';

/** The brief form as typed: lists are text (one must-say line per line, words and lengths by commas). */
export interface BriefForm {
  title: string;
  product: string;
  audience: string;
  keyMessage: string;
  mustSay: string;
  bannedWords: string;
  tone: (typeof TONES)[number];
  platforms: Platform[];
  durations: string;
  callToAction: string;
}

/** A form filled from a brief, or the empty form of a new brief (30 s, friendly). */
export function briefFormOf(brief?: BriefFields | null): BriefForm {
  return {
    title: brief?.title ?? '',
    product: brief?.product ?? '',
    audience: brief?.audience ?? '',
    keyMessage: brief?.keyMessage ?? '',
    mustSay: brief?.mustSay.join('\n') ?? '',
    bannedWords: brief?.bannedWords.join(', ') ?? '',
    tone: brief?.tone ?? 'friendly',
    platforms: brief?.platforms ?? [],
    durations: brief?.durations.join(', ') ?? '30',
    callToAction: brief?.callToAction ?? '',
  };
}

const UNITS = { mustSay: 'lines', bannedWords: 'words', platforms: 'platforms', durations: 'lengths' };

/**
 * The brief's fields from the form, parsed with the shared `briefInputSchema` (the API's own
 * rules), or the first problem of each field in words. `referenceAssetIds` are kept as they were.
 */
export function parseBriefForm(
  form: BriefForm,
  referenceAssetIds: string[] = [],
): { ok: true; fields: BriefFields } | { ok: false; errors: Partial<Record<keyof BriefForm, string>> } {
  const parsed = briefInputSchema.safeParse({
    ...form,
    mustSay: linesOf(form.mustSay),
    bannedWords: wordsOf(form.bannedWords),
    durations: numbersOf(form.durations),
    referenceAssetIds,
  });
  if (parsed.success) return { ok: true, fields: parsed.data };
  const errors = fieldErrorsOf(parsed.error.issues, UNITS);
  // Lengths: one rule, said once, whatever the entry.
  if (errors.durations && !errors.durations.startsWith('At most'))
    errors.durations = 'Give lengths in whole seconds from 5 to 180, separated by commas.';
  return { ok: false, errors };
}

/**
 * How a draft was made, as the brief shows it. A template draft says why where no LLM provider is
 * configured (`llmOffered` false); where one is, the template was chosen over it.
 */
export function draftSourceText(
  d: Pick<NonNullable<Brief['lastDraft']>, 'source' | 'provider'>,
  llmOffered = false,
): string {
  if (d.source === 'template')
    return llmOffered
      ? 'Template draft (chosen over the LLM)'
      : 'Template draft — no LLM provider configured';
  return `Drafted by the LLM${d.provider ? ` (${d.provider})` : ''}`;
}

/** A 409 of `POST /briefs/{id}/draft` saying the script is not empty and `replace` was not set. */
export function isReplaceConflict(err: unknown): boolean {
  return (
    err instanceof ApiError &&
    err.status === 409 &&
    (err.details as { field?: unknown } | undefined)?.field === 'replace'
  );
}
