import { z } from 'zod';

/**
 * NUL, or half of a UTF-16 surrogate pair without its other half. Neither is text: Postgres refuses
 * NUL in `text` and `jsonb`, and a lone surrogate cannot be encoded as UTF-8 (it silently becomes
 * U+FFFD, so what is stored is not what was sent).
 */
const UNSAFE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `s` has no NUL and no unpaired surrogate. */
export const isSafeText = (s: string): boolean => !UNSAFE_TEXT.test(s);

export const UNSAFE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired surrogates';

/**
 * The string schema for every text field that crosses the HTTP boundary: `z.string()` that refuses
 * NUL and unpaired surrogates (a 400 `validation_failed`, never a 500 from the database). Chain it
 * like `z.string()`: `safeText().trim().min(1).max(200)`.
 */
export const safeText = () => z.string().refine(isSafeText, { message: UNSAFE_TEXT_MESSAGE });
