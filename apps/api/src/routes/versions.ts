import { randomUUID } from 'node:crypto';
import {
  appendUpdates,
  diffLines,
  diffScenes,
  loadDocumentState,
  publishDocUpdate,
  readStateContent,
  restoreUpdateFromStates,
} from '@clapboard/server/documents';
import { errorBodySchema } from '@clapboard/shared/errors';
import {
  createVersionBodySchema,
  restoreVersionResponseSchema,
  versionCreatedSchema,
  versionDiffSchema,
  versionListSchema,
  versionPreviewSchema,
} from '@clapboard/shared/versions';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../app';
import type { AppEnv } from '../app-env';
import { authorizeProject } from '../auth/authorize-project';
import { requireUser } from '../auth/require-user';
import { findVersion, insertVersion, toVersion, type VersionRow } from '../versions/version-rows';

const uuid = z.string().uuid();
const errors = {
  401: { description: 'Not signed in', content: { 'application/json': { schema: errorBodySchema } } },
  403: {
    description: 'Role lacks the permission',
    content: { 'application/json': { schema: errorBodySchema } },
  },
  404: {
    description: 'Project or version not found',
    content: { 'application/json': { schema: errorBodySchema } },
  },
};
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const base = '/api/v1/projects/{id}/versions';
const idParams = z.object({ id: uuid });
const versionParams = z.object({ id: uuid, versionId: uuid });

/**
 * Named versions of a project's document: create (full encoded state of what Postgres holds now),
 * list, preview (script and scenes), diff two versions, and restore. A restore is a new change on
 * top, appended to `doc_updates` and published on the document's Redis channel so every connected
 * client sees it; nothing in history is rewritten, and the state just before is saved as a
 * `restore` version so the restore can itself be undone.
 */
export function versionRoutes(deps: Pick<AppDeps, 'sql' | 'redis' | 'jwtSecret'>) {
  const auth = requireUser(deps);
  const { sql } = deps;
  return new OpenAPIHono<AppEnv>()
    .openapi(
      createRoute({
        method: 'post',
        path: base,
        tags: ['versions'],
        summary: 'Save the current document as a named version',
        middleware: [auth] as const,
        security: [{ bearerAuth: [] }],
        request: {
          params: idParams,
          body: { content: { 'application/json': { schema: createVersionBodySchema } }, required: true },
        },
        responses: { 201: json(versionCreatedSchema, 'Created'), ...errors },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const userId = c.var.userId!;
        await authorizeProject(sql, id, userId, 'versions:write');
        const { state } = await loadDocumentState(sql, id);
        const version = await insertVersion(sql, id, c.req.valid('json').name, state, 'manual', userId);
        return c.json({ version }, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: base,
        tags: ['versions'],
        summary: 'List named versions, newest first',
        middleware: [auth] as const,
        security: [{ bearerAuth: [] }],
        request: { params: idParams },
        responses: { 200: json(versionListSchema, 'Versions'), ...errors },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await authorizeProject(sql, id, c.var.userId!, 'versions:read');
        const rows = await sql<VersionRow[]>`
          select id, project_id, name, source, octet_length(state) as byte_size, created_by, created_at
          from doc_versions where project_id = ${id} order by created_at desc, id limit 500`;
        return c.json({ items: rows.map(toVersion) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${base}/{versionId}`,
        tags: ['versions'],
        summary: 'Preview a version: script text and scenes',
        middleware: [auth] as const,
        security: [{ bearerAuth: [] }],
        request: { params: versionParams },
        responses: { 200: json(versionPreviewSchema, 'Preview'), ...errors },
      }),
      async (c) => {
        const { id, versionId } = c.req.valid('param');
        await authorizeProject(sql, id, c.var.userId!, 'versions:read');
        const { version, state } = await findVersion(sql, id, versionId);
        return c.json({ version, ...readStateContent(state) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${base}/{a}/diff/{b}`,
        tags: ['versions'],
        summary: 'Diff two versions: script lines and scenes by id (from a to b)',
        middleware: [auth] as const,
        security: [{ bearerAuth: [] }],
        request: { params: z.object({ id: uuid, a: uuid, b: uuid }) },
        responses: { 200: json(versionDiffSchema, 'Diff'), ...errors },
      }),
      async (c) => {
        const { id, a, b } = c.req.valid('param');
        await authorizeProject(sql, id, c.var.userId!, 'versions:read');
        const [from, to] = await Promise.all([findVersion(sql, id, a), findVersion(sql, id, b)]);
        const before = readStateContent(from.state);
        const after = readStateContent(to.state);
        const lines = diffLines(before.script, after.script);
        return c.json(
          {
            from: from.version,
            to: to.version,
            script: {
              added: lines.filter((l) => l.op === 'add').length,
              removed: lines.filter((l) => l.op === 'remove').length,
              lines,
            },
            scenes: diffScenes(before.scenes, after.scenes),
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: `${base}/{versionId}/restore`,
        tags: ['versions'],
        summary: 'Restore a version as a new change on top of the current document',
        middleware: [auth] as const,
        security: [{ bearerAuth: [] }],
        request: { params: versionParams },
        responses: { 200: json(restoreVersionResponseSchema, 'Restored'), ...errors },
      }),
      async (c) => {
        const { id, versionId } = c.req.valid('param');
        const userId = c.var.userId!;
        await authorizeProject(sql, id, userId, 'versions:write');
        const target = await findVersion(sql, id, versionId);
        const { state } = await loadDocumentState(sql, id);
        const backup = await insertVersion(
          sql,
          id,
          `Before restoring "${target.version.name}"`,
          state,
          'restore',
          userId,
        );
        const update = restoreUpdateFromStates(state, target.state);
        if (update) {
          // Stored first, then published: a client that misses the message still gets it on load.
          await appendUpdates(sql, id, [update]);
          await publishDocUpdate(deps.redis, id, `api:${randomUUID()}`, update);
        }
        return c.json({ restoredFrom: target.version, backup, changed: update !== null }, 200);
      },
    );
}
