import type { Sql } from '@clapboard/server/db';
import type { BlobStore } from '@clapboard/server/storage';
import { API_PREFIX } from '@clapboard/shared/api';
import {
  deliverableQuerySchema,
  SCRIPT_DELIVERABLE_KINDS,
  scriptDeliverableKindSchema,
} from '@clapboard/shared/script-deliverables';
import { createRoute, z } from '@hono/zod-openapi';
import { authorizeProject } from '../auth/authorize-project';
import { requireUser } from '../auth/require-user';
import { buildHandoverZip } from '../deliverables/handover-zip';
import { loadPinnedVersion } from '../deliverables/load-pinned-version';
import {
  type DeliverableContext,
  deliverableFileName,
  SCRIPT_DELIVERABLES,
} from '../deliverables/script-deliverables';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';

const base = `${API_PREFIX}/projects/{id}/deliverables`;
const id = z.string().uuid();
const file = (type: string) => ({ [type]: { schema: z.string() } });
const attachment = (name: string) => `attachment; filename="${name}"`;

/**
 * Deliverables of one pinned version of a project's document (`?version=` a named version's id,
 * or `current`): the script as Fountain, FDX and a screenplay PDF, the storyboard PDF, the shot
 * list CSV, and `handover.zip` with all of them and a checksummed manifest. Every member of the
 * project (viewers too) may download them; each file is built from one read of that version, so
 * edits made meanwhile never leak in.
 */
export function deliverableRoutes(deps: { sql: Sql; jwtSecret: string; blobStore: BlobStore }) {
  const auth = requireUser(deps.jwtSecret);
  const { sql, blobStore } = deps;
  const context = async (
    projectId: string,
    userId: string,
    query: z.infer<typeof deliverableQuerySchema>,
  ) => {
    await authorizeProject(sql, projectId, userId, 'versions:read');
    const pinned = await loadPinnedVersion(sql, projectId, query.version);
    return { sql, blobStore, pinned, perPage: query.perPage } satisfies DeliverableContext;
  };
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: `${base}/handover.zip`,
        tags: ['deliverables'],
        summary:
          'Every deliverable of a pinned version in one zip, with manifest.json (SHA-256 and size of each file)',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: z.object({ id }), query: deliverableQuerySchema },
        responses: {
          200: { description: 'The zip', content: file('application/zip') },
          ...errorsFor(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const ctx = await context(c.req.valid('param').id, c.var.userId!, c.req.valid('query'));
        const { zip } = await buildHandoverZip(ctx);
        return c.body(new Uint8Array(zip), 200, {
          'content-type': 'application/zip',
          'content-disposition': attachment(deliverableFileName(ctx.pinned, 'handover.zip')),
          'x-clapboard-version': ctx.pinned.version.id,
        });
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${base}/{kind}`,
        tags: ['deliverables'],
        summary: `One deliverable of a pinned version: ${SCRIPT_DELIVERABLE_KINDS.join(', ')}`,
        description:
          '`version` is a named version id or `current` (a snapshot taken when the request arrives; its id is `current-` and a hash of the state). Every file carries the version id. `perPage` (1–6) sets storyboard frames per page.',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: {
          params: z.object({ id, kind: scriptDeliverableKindSchema }),
          query: deliverableQuerySchema,
        },
        responses: {
          200: {
            description: 'The file, as an attachment',
            content: {
              ...file('text/plain'),
              ...file('application/xml'),
              ...file('application/pdf'),
              ...file('text/csv'),
            },
          },
          ...errorsFor(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const { id: projectId, kind } = c.req.valid('param');
        const ctx = await context(projectId, c.var.userId!, c.req.valid('query'));
        const builder = SCRIPT_DELIVERABLES[kind];
        const bytes = await builder.build(ctx);
        return c.body(new Uint8Array(bytes), 200, {
          'content-type': builder.contentType,
          'content-disposition': attachment(deliverableFileName(ctx.pinned, kind)),
          'x-clapboard-version': ctx.pinned.version.id,
        });
      },
    );
}
