import type { Sql } from '@clapboard/server/db';
import type { CompletedRender } from '@clapboard/server/deliverables';
import type { BlobStore } from '@clapboard/server/storage';
import { API_PREFIX } from '@clapboard/shared/api';
import type { JobOutput } from '@clapboard/shared/jobs';
import {
  deliverableQuerySchema,
  handoverQuerySchema,
  SCRIPT_DELIVERABLE_FILES,
  SCRIPT_DELIVERABLE_KINDS,
  SCRIPT_DELIVERABLE_LABELS,
} from '@clapboard/shared/script-deliverables';
import { createRoute, z } from '@hono/zod-openapi';
import { authorizeProject } from '../auth/authorize-project';
import { type RequireUserDeps, requireUser } from '../auth/require-user';
import { buildHandoverZip } from '../deliverables/handover-zip';
import { loadPinnedVersion } from '../deliverables/load-pinned-version';
import {
  type DeliverableContext,
  deliverableFileName,
  SCRIPT_DELIVERABLES,
} from '../deliverables/script-deliverables';
import { conflict, notFound } from '../errors/http-error';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';

const base = `${API_PREFIX}/projects/{id}`;
const id = z.string().uuid();
const file = (type: string) => ({ [type]: { schema: z.string() } });
const attachment = (name: string) => `attachment; filename="${name}"`;

/**
 * The render a handover bundle carries: the one asked for (a completed `render.video` of this
 * project), else the newest completed render made from the pinned version (named versions only).
 */
async function handoverRender(
  sql: Sql,
  projectId: string,
  versionId: string,
  asked: string | undefined,
): Promise<CompletedRender | null> {
  type Row = CompletedRender & { status: string; outputs: JobOutput[] };
  if (asked) {
    const [job] = await sql<Row[]>`
      select id, project_id, status, outputs from jobs
      where id = ${asked} and project_id = ${projectId} and type = 'render.video'`;
    if (!job) throw notFound('Render');
    if (job.status !== 'completed')
      throw conflict(`This render is ${job.status}; a bundle can carry it once it has completed.`, {
        status: job.status,
      });
    return job;
  }
  if (versionId.startsWith('current-')) return null;
  const [job] = await sql<Row[]>`
    select id, project_id, status, outputs from jobs
    where project_id = ${projectId} and type = 'render.video' and status = 'completed'
      and version_id = ${versionId}
    order by finished_at desc nulls last, created_at desc limit 1`;
  return job ?? null;
}

/**
 * Deliverables of one pinned version of a project's document (`?version=` a named version's id,
 * or `current`), each at its own file name under the project (`SCRIPT_DELIVERABLE_FILES`): the
 * script as `export.fountain`, `export.fdx` and a screenplay `export.pdf`, `storyboard.pdf`,
 * `shotlist.csv`, and `handover.zip` with all of them and a checksummed manifest. Every member of the
 * project (viewers too) may download them; each file is built from one read of that version, so
 * edits made meanwhile never leak in.
 */
export function deliverableRoutes(deps: RequireUserDeps & { sql: Sql; blobStore: BlobStore }) {
  const auth = requireUser(deps);
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
  const router = createRouter().openapi(
    createRoute({
      method: 'get',
      path: `${base}/${SCRIPT_DELIVERABLE_FILES['handover.zip']}`,
      tags: ['deliverables'],
      summary:
        'Every deliverable of a pinned version in one zip, with manifest.json (SHA-256 and size of each file)',
      middleware: [auth] as const,
      security: bearerSecurity,
      description:
        '`render` names the completed render whose subtitles (SRT, VTT) and edit decision lists (EDL, OTIO, FCPXML) go in the bundle under `render/`; without it, the newest completed render made from that named version is taken, if any. 404 for a render of another project, 409 for one not completed.',
      request: { params: z.object({ id }), query: handoverQuerySchema },
      responses: {
        200: { description: 'The zip', content: file('application/zip') },
        ...errorsFor(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const projectId = c.req.valid('param').id;
      const query = c.req.valid('query');
      const ctx = await context(projectId, c.var.userId!, query);
      await authorizeProject(sql, projectId, c.var.userId!, 'jobs:read');
      const render = await handoverRender(sql, projectId, ctx.pinned.version.id, query.render);
      const { zip } = await buildHandoverZip({ ...ctx, ...(render ? { render } : {}) });
      return c.body(new Uint8Array(zip), 200, {
        'content-type': 'application/zip',
        'content-disposition': attachment(deliverableFileName(ctx.pinned, 'handover.zip')),
        'x-clapboard-version': ctx.pinned.version.id,
      });
    },
  );
  // One route per file, named by format (`export.fountain`, `export.fdx`, `export.pdf`, …).
  for (const kind of SCRIPT_DELIVERABLE_KINDS) {
    const builder = SCRIPT_DELIVERABLES[kind];
    router.openapi(
      createRoute({
        method: 'get',
        path: `${base}/${SCRIPT_DELIVERABLE_FILES[kind]}`,
        tags: ['deliverables'],
        summary: `${SCRIPT_DELIVERABLE_LABELS[kind]} of a pinned version`,
        description:
          '`version` is a named version id or `current` (a snapshot taken when the request arrives; its id is `current-` and a hash of the state). Every file carries the version id. `perPage` (1–6) sets storyboard frames per page.',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: z.object({ id }), query: deliverableQuerySchema },
        responses: {
          200: {
            description: 'The file, as an attachment',
            content: file(builder.contentType.split(';')[0]!),
          },
          ...errorsFor(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const ctx = await context(c.req.valid('param').id, c.var.userId!, c.req.valid('query'));
        const bytes = await builder.build(ctx);
        return c.body(new Uint8Array(bytes), 200, {
          'content-type': builder.contentType,
          'content-disposition': attachment(deliverableFileName(ctx.pinned, kind)),
          'x-clapboard-version': ctx.pinned.version.id,
        });
      },
    );
  }
  return router;
}
