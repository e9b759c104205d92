import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { validationFailed } from '../errors/http-error';

/**
 * A route group. Each OpenAPIHono keeps its own validation hook, so every group is made here to
 * turn a failed zod parse into our 400 `validation_failed` body (with the issues) instead of the
 * library's default shape.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationFailed(result.error.issues);
    },
  });
}

/** OpenAPI security requirement for routes that need `Authorization: Bearer <access token>`. */
export const bearerSecurity = [{ bearerAuth: [] }];
