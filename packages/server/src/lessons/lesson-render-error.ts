/**
 * Why a lesson render cannot be used (exported, shared): `missing` (no such render in the project,
 * or its lesson was deleted), `invalid` (not a final `portrait.lesson` render of that lesson, or its
 * files are gone), `not-ready` (it has not completed). The API answers 422, or 409 for `not-ready`;
 * the worker fails the job with the message without retrying.
 */
export class LessonRenderError extends Error {
  override name = 'LessonRenderError';
  constructor(
    readonly kind: 'missing' | 'invalid' | 'not-ready',
    message: string,
  ) {
    super(message);
  }
}
