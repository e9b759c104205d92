import type { ErrorCode } from '@clapboard/shared/errors';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The one HTTP error family. Throw it from any handler; `onError` turns it into
 * `{ "error": { "code", "message", "details"? } }` with its status.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) =>
  new HttpError(400, 'bad_request', message, details);
export const validationFailed = (details: unknown, message = 'The request is not valid.') =>
  new HttpError(400, 'validation_failed', message, details);
export const unauthorized = (message = 'Sign in to continue.') => new HttpError(401, 'unauthorized', message);
export const forbidden = (message = 'You do not have permission to do that.') =>
  new HttpError(403, 'forbidden', message);
/** Also used for things the caller may not see, so existence never leaks. */
export const notFound = (what = 'Resource') => new HttpError(404, 'not_found', `${what} not found.`);
export const conflict = (message: string, details?: unknown) =>
  new HttpError(409, 'conflict', message, details);
export const gone = (message: string) => new HttpError(410, 'gone', message);
export const paymentRequired = (message: string, details?: unknown) =>
  new HttpError(402, 'payment_required', message, details);
export const payloadTooLarge = (message: string) => new HttpError(413, 'payload_too_large', message);
export const unsupportedMediaType = (message: string) =>
  new HttpError(415, 'unsupported_media_type', message);
export const unprocessable = (message: string, details?: unknown) =>
  new HttpError(422, 'unprocessable', message, details);
export const rateLimited = (retryAfterSec: number, message = 'Too many attempts. Try again later.') =>
  new HttpError(429, 'rate_limited', message, { retryAfterSec }, { 'Retry-After': String(retryAfterSec) });
export const notImplemented = (message: string) => new HttpError(501, 'not_implemented', message);
