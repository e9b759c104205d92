/** Why a script file could not be imported; stable codes for the API to map onto HTTP errors. */
export type ScriptImportErrorCode =
  /** Nothing but whitespace. */
  | 'empty'
  /** Not text: a PDF, a word-processor file, an image, or bytes that decode to control characters. */
  | 'binary'
  /** An extension this importer does not read. */
  | 'unsupported_type'
  /** Looks like XML (or is named `.fdx`) but is not well-formed. */
  | 'malformed_xml'
  /** Well-formed XML whose root is not `<FinalDraft>`. */
  | 'not_final_draft'
  /** More scenes than `MAX_SCRIPT_IMPORT_SCENES`. */
  | 'too_many_scenes';

/** A typed failure from `importScript`. */
export class ScriptImportError extends Error {
  constructor(
    readonly code: ScriptImportErrorCode,
    message: string,
    readonly details?: { offset?: number },
  ) {
    super(message);
    this.name = 'ScriptImportError';
  }
}
