import type { z } from 'zod';

/** Issue of a shared schema's parse, as zod reports it. */
type Issue = z.core.$ZodIssue;

/**
 * A sentence a person can act on for one zod issue of a form's shared schema: "Required.", "At most
 * 200 characters.", "At most 10 lines." (`unit` names what a list holds), or the schema's own
 * message (custom refinements and formats say what they want, e.g. "a colour as #rrggbb").
 */
export function issueText(issue: Issue, unit = 'items'): string {
  const sizeOf = (origin: string, n: number | bigint) =>
    origin === 'string'
      ? `${n} character${n === 1 ? '' : 's'}`
      : origin === 'array'
        ? `${n} ${unit}`
        : `${n}`;
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'Required.';
      if (issue.origin === 'array' && Number(issue.minimum) === 1) return `Give at least one.`;
      return `At least ${sizeOf(issue.origin, issue.minimum)}.`;
    case 'too_big':
      return `At most ${sizeOf(issue.origin, issue.maximum)}.`;
    case 'invalid_type':
      return issue.expected === 'number' ? 'A number is needed.' : 'Required.';
    case 'invalid_format':
      return issue.message.startsWith('Invalid') ? 'Not in the expected format.' : `Give ${issue.message}.`;
    default:
      return issue.message;
  }
}

/**
 * The first problem per form field (the first element of the issue's path), for showing beside
 * each input. A problem with one entry of a list (`mustSay.2`) says which: "Line 3: Required.".
 *
 * @param units what each list field holds ("lines", "words"), for the sizes in the messages
 */
export function fieldErrorsOf(
  issues: readonly Issue[],
  units: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const [field, index] = issue.path;
    const key = field === undefined ? '' : String(field);
    if (key in out) continue;
    const text = issueText(issue, units[key]);
    out[key] = typeof index === 'number' ? `Entry ${index + 1}: ${text}` : text;
  }
  return out;
}
