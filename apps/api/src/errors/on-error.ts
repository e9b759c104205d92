import type { Logger } from '@clapboard/server/logger';
import type { ErrorBody } from '@clapboard/shared/errors';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import type { AppEnv } from '../app-env';
import { HttpError } from './http-error';

function body(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * Maps every thrown error to the error body. Known errors keep their status and code; zod errors
 * are 400 with the issues; anything else is logged with the request id and returned as a bare 500.
 */
export function createErrorHandler(log: Logger) {
  return (err: Error, c: Context<AppEnv>) => {
    if (err instanceof HttpError) {
      for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
      return c.json(body(err.code, err.message, err.details), err.status);
    }
    if (err instanceof ZodError) {
      return c.json(body('validation_failed', 'The request is not valid.', err.issues), 400);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const code =
        status === 413
          ? 'payload_too_large'
          : status === 401
            ? 'unauthorized'
            : status >= 500
              ? 'internal'
              : 'bad_request';
      return c.json(body(code, err.message || 'Request failed.'), status);
    }
    // Once: pino's methods return undefined, so `a?.error() ?? b.error()` used to write it twice.
    (c.var.log ?? log).error({ err }, 'unhandled error');
    return c.json(
      body(
        'internal',
        `Something went wrong on our side. Quote request id ${c.var.requestId ?? 'unknown'} when reporting it.`,
      ),
      500,
    );
  };
}
