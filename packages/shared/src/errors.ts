import { z } from 'zod';

/** Stable machine-readable error codes; the HTTP status travels beside them. */
export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthorized',
  'token_expired',
  'forbidden',
  'not_found',
  'conflict',
  /** Existed, but no longer answers (an expired or revoked share link): 410. */
  'gone',
  'payment_required',
  'payload_too_large',
  'unsupported_media_type',
  'unprocessable',
  'range_not_satisfiable',
  /** tus: a required precondition (`Tus-Resumable: 1.0.0`) is missing (412). */
  'precondition_failed',
  /** tus checksum extension: the PATCH body does not match its `Upload-Checksum` (460). */
  'checksum_mismatch',
  /** A resumable upload that expired (410). */
  'gone',
  'rate_limited',
  'not_implemented',
  'unavailable',
  /** No live worker runs the job type asked for (503). */
  'capability_missing',
  'internal',
] as const;
export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/** Every non-2xx JSON body: `{ "error": { "code", "message", "details"? } }`. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
