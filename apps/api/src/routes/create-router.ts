import { OpenAPIHono, type z } from '@hono/zod-openapi';
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

/** An OpenAPI response (or content) of JSON validated by `schema`. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** An OpenAPI `request` with a required JSON body validated by `schema`. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { 'application/json': { schema } } },
});
