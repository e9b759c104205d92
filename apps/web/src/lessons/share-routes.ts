import { z } from 'zod';

/**
 * Where this server serves lesson share links, read from its OpenAPI document, so the studio offers
 * "Share" only on a server that has the routes (they ship separately from the studio) and says so
 * otherwise. Path parameters are filled in order: the lesson id, then the share id.
 */
export interface ShareRoutes {
  /** `POST` creates a share, `GET` lists them: `/api/v1/lessons/{id}/shares`. */
  collection: string;
  /** `DELETE` revokes one, when the server documents such a route. */
  revoke: string | null;
}

/** The part of an OpenAPI document read here: each path's operations, by method. */
export const openApiDocSchema = z.object({
  paths: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});
type OpenApiPaths = NonNullable<z.infer<typeof openApiDocSchema>['paths']>;

const COLLECTION = /^\/api\/v1\/lessons\/\{[^}]+\}\/shares$/;
const REVOKE = [
  /^\/api\/v1\/lessons\/\{[^}]+\}\/shares\/\{[^}]+\}$/,
  /^\/api\/v1\/(lesson-)?shares\/\{[^}]+\}$/,
];

/** The share routes in an OpenAPI document's `paths`, or null when it has no way to create one. */
export function findShareRoutes(paths: OpenApiPaths): ShareRoutes | null {
  const collection = Object.keys(paths).find((p) => COLLECTION.test(p) && paths[p]?.post);
  if (!collection) return null;
  let revoke: string | null = null;
  for (const pattern of REVOKE) {
    revoke = Object.keys(paths).find((p) => pattern.test(p) && paths[p]?.delete) ?? null;
    if (revoke) break;
  }
  return { collection, revoke };
}

/** A documented path with its `{params}` filled in order and the `/api/v1` prefix dropped (for `api()`). */
export function fillPath(path: string, ...values: string[]): string {
  let i = 0;
  return path.replace(/\{[^}]+\}/g, () => encodeURIComponent(values[i++] ?? '')).replace(/^\/api\/v1/, '');
}
