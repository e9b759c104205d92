/**
 * Why a brief cannot be drafted into its project now: `missing` (no such live brief in the project),
 * `rules` (the brief's own text holds a banned word), `left-campaign` (the project is no longer in
 * the brief's campaign), `script-not-empty` (the script would be overwritten and `replace` was not
 * set). The API answers 422 for the first two and 409 for the others; the worker fails the job with
 * the message without retrying.
 */
export class BriefDraftError extends Error {
  override name = 'BriefDraftError';
  constructor(
    readonly kind: 'missing' | 'rules' | 'left-campaign' | 'script-not-empty',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The HTTP status the API answers with. */
  get status(): 409 | 422 {
    return this.kind === 'left-campaign' || this.kind === 'script-not-empty' ? 409 : 422;
  }
}

/** The 409 for a script that a draft would overwrite without `replace: true`. */
export function scriptNotEmptyError(): BriefDraftError {
  return new BriefDraftError(
    'script-not-empty',
    "The project's script is not empty: a draft would overwrite it. Send replace: true to replace it (the script as it is now is saved as a version first, so restoring that version undoes the draft).",
    { field: 'replace' },
  );
}
