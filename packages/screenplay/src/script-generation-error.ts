/** Why a script could not be generated; stable codes for the API to map onto HTTP errors. */
export type ScriptGenerationErrorCode =
  | 'invalid_input'
  | 'provider_unreachable'
  | 'provider_error'
  | 'bad_response'
  | 'no_fountain'
  | 'no_scenes';

/** A typed failure from a `ScriptGenerator` or an `LlmProvider`. */
export class ScriptGenerationError extends Error {
  constructor(
    readonly code: ScriptGenerationErrorCode,
    message: string,
    readonly details?: { status?: number; body?: string; cause?: unknown },
  ) {
    super(message);
    this.name = 'ScriptGenerationError';
  }
}
