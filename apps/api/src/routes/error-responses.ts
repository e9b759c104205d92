import { errorBodySchema } from '@clapboard/shared/errors';

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorBodySchema } },
});

/** Error responses for the OpenAPI document, keyed by status; every one is the shared error body. */
export const errorResponses = {
  400: error('The request is not valid (zod issues in `details`)'),
  401: error('Not signed in, or the access token is invalid or expired'),
  403: error('Signed in, but your role may not do this'),
  404: error('Not found, or not visible to you'),
  409: error('Conflicts with the current state'),
  410: error('Existed, but no longer answers (an expired or revoked link)'),
  413: error('Upload larger than the limit for its kind'),
  415: error('File type not accepted'),
  416: error('Requested range not satisfiable'),
  422: error('Well-formed but cannot be processed'),
  429: error('Too many attempts; see Retry-After'),
  501: error('This server is not set up for it (the message says what to use instead)'),
} as const;

/** Picks error responses by status for a route definition. */
export function errorsFor<S extends keyof typeof errorResponses>(...statuses: S[]) {
  return Object.fromEntries(statuses.map((s) => [s, errorResponses[s]])) as Pick<typeof errorResponses, S>;
}
