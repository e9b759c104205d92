/** Where a render's document breaks a rule, for the API's 422 details. */
export interface RenderDocumentProblem {
  /** 1-based scene number, when one scene is at fault. */
  scene?: number;
  sceneId?: string;
  heading?: string;
  /** The bound that was passed (seconds or scenes), when there is one. */
  limit?: number;
  /** What the document asks for against that bound (seconds or scenes). */
  actual?: number;
}

/**
 * A project document that cannot be rendered as it stands: an invalid scene or setting, or a
 * storyboard past a render bound. The message is a sentence for the user naming the scene; the
 * API answers it as 422, the worker fails the job with it without retrying.
 */
export class RenderDocumentError extends Error {
  override name = 'RenderDocumentError';
  constructor(
    message: string,
    readonly details: RenderDocumentProblem = {},
  ) {
    super(message);
  }
}
