import { randomUUID } from 'node:crypto';
import { describeSceneSync } from '@clapboard/screenplay';
import {
  appendUpdates,
  buildScriptImportUpdate,
  loadDocumentState,
  publishDocUpdate,
} from '@clapboard/server/documents';
import { API_PREFIX, projectParamsSchema } from '@clapboard/shared/api';
import {
  scriptImportCreatedSchema,
  scriptImportFieldsSchema,
  scriptImportPreviewSchema,
  scriptImportQuerySchema,
  scriptImportReplacedSchema,
} from '@clapboard/shared/script-import';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../app';
import type { AppEnv } from '../app-env';
import { writeAudit } from '../audit/write-audit';
import { authorizeProject } from '../auth/authorize-project';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { requireUser } from '../auth/require-user';
import { validationFailed } from '../errors/http-error';
import { insertProject } from '../projects/insert-project';
import { loadProject } from '../projects/project-json';
import { importScriptFile } from '../script-import/import-script-file';
import { readScriptUpload } from '../script-import/read-script-upload';
import { insertVersion } from '../versions/version-rows';
import { bearerSecurity, createRouter } from './create-router';
import { errorsFor } from './error-responses';

const imports = `${API_PREFIX}/script-imports`;
const replacePath = `${API_PREFIX}/projects/{id}/script-import`;
const fileBody = (extra: Record<string, z.ZodTypeAny> = {}) => ({
  required: true,
  content: {
    'multipart/form-data': {
      schema: z.object({ file: z.string().openapi({ type: 'string', format: 'binary' }), ...extra }),
    },
  },
});
const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const FORMATS =
  'Fountain (.fountain, .spmd, .txt), Final Draft (.fdx, or any file that opens as <FinalDraft> XML), ' +
  'Markdown (.md) and printed plain-text screenplays (.txt with indented cues); at most 2 MB.';

const preview = createRoute({
  method: 'post',
  path: `${imports}/preview`,
  tags: ['script import'],
  summary: 'Read a script file and return the scenes an import would create; writes nothing',
  description: FORMATS,
  security: bearerSecurity,
  request: { body: fileBody() },
  responses: {
    200: json(scriptImportPreviewSchema, 'What the file holds'),
    ...errorsFor(400, 401, 413, 415, 422),
  },
});
const create = createRoute({
  method: 'post',
  path: imports,
  tags: ['script import'],
  summary: 'Create a project from a script file (you become its owner)',
  description: `${FORMATS} The project is named by the "name" field, else the title page, else the file name.`,
  security: bearerSecurity,
  request: { body: fileBody(scriptImportFieldsSchema.shape) },
  responses: {
    201: json(scriptImportCreatedSchema, 'Project created with the script and its scenes'),
    ...errorsFor(400, 401, 413, 415, 422),
  },
});
const replace = createRoute({
  method: 'post',
  path: replacePath,
  tags: ['script import'],
  summary: "Replace a project's script with a script file as one change (owner, editor)",
  description:
    `${FORMATS} The script and the storyboard scenes synced from it change in one Yjs update; the ` +
    'state before is saved as a version (source "import") so restoring it undoes the import. ' +
    'With ?dryRun=true nothing is written.',
  security: bearerSecurity,
  request: { params: projectParamsSchema, query: scriptImportQuerySchema, body: fileBody() },
  responses: {
    200: json(scriptImportReplacedSchema, 'Replaced (or previewed)'),
    ...errorsFor(400, 401, 403, 404, 413, 415, 422),
  },
});

function stem(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return (dot > 0 ? filename.slice(0, dot) : filename).trim();
}

/**
 * Script import: preview a file, create a project from it, or replace a project's script with it.
 * The multipart routes are registered for the OpenAPI document only and read the body themselves
 * (bounded, streamed) instead of a zod body validator that would buffer it; the text fields and
 * query are still parsed with the shared schemas.
 */
export function scriptImportRoutes(
  deps: Pick<AppDeps, 'sql' | 'redis' | 'jwtSecret' | 'peerAddress' | 'trustProxy'>,
) {
  const { sql } = deps;
  const ipOf = (c: Context<AppEnv>) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);
  const router = createRouter();
  router.use(`${imports}`, requireUser(deps));
  router.use(`${imports}/*`, requireUser(deps));
  router.use(`${API_PREFIX}/projects/:id/script-import`, requireUser(deps));

  router.openAPIRegistry.registerPath(preview);
  router.post(`${imports}/preview`, async (c) => {
    const { preview: result } = importScriptFile(await readScriptUpload(c));
    return c.json(result, 200);
  });

  router.openAPIRegistry.registerPath(create);
  router.post(imports, async (c) => {
    const userId = currentUserId(c);
    const upload = await readScriptUpload(c);
    const fields = scriptImportFieldsSchema.safeParse(upload.fields);
    if (!fields.success) throw validationFailed(fields.error.issues);
    const { script, preview: summary } = importScriptFile(upload);
    const name =
      (fields.data.name ?? script.title ?? stem(upload.filename)).slice(0, 200) || 'Imported script';
    const { update } = buildScriptImportUpdate(new Uint8Array([0, 0]), script.fountain);
    const id = await sql.begin(async (tx) => {
      const projectId = await insertProject(tx, {
        name,
        userId,
        ip: ipOf(c),
        details: { importedFrom: upload.filename, format: script.format, scenes: script.scenes.length },
      });
      // The first state commits with the project: a project never exists without its script.
      if (update) await appendUpdates(tx, projectId, [update]);
      return projectId;
    });
    return c.json({ project: await loadProject(sql, id, userId), preview: summary }, 201);
  });

  router.openAPIRegistry.registerPath(replace);
  router.post(`${API_PREFIX}/projects/:id/script-import`, async (c) => {
    const { id } = projectParamsSchema.parse({ id: c.req.param('id') });
    const query = scriptImportQuerySchema.safeParse({ dryRun: c.req.query('dryRun') });
    if (!query.success) throw validationFailed(query.error.issues);
    const userId = currentUserId(c);
    // Checked before the body is read: a stranger's upload is not even parsed.
    await authorizeProject(sql, id, userId, 'document:write');
    await authorizeProject(sql, id, userId, 'versions:write');
    const upload = await readScriptUpload(c);
    const { script, preview: summary } = importScriptFile(upload);
    const { state } = await loadDocumentState(sql, id);
    const { update, plan } = buildScriptImportUpdate(state, script.fountain);
    const { summary: scenesSummary, lines, unchanged } = describeSceneSync(plan);
    const storyboard = { summary: scenesSummary, lines, unchanged };
    const dryRun = query.data.dryRun;
    if (dryRun || !update)
      return c.json({ preview: summary, storyboard, dryRun, changed: false, backup: null }, 200);
    const backup = await insertVersion(
      sql,
      id,
      `Before importing "${upload.filename}"`,
      state,
      'import',
      userId,
    );
    await sql.begin(async (tx) => {
      await appendUpdates(tx, id, [update]);
      await writeAudit(tx, {
        projectId: id,
        actorId: userId,
        action: 'script.import',
        targetType: 'project',
        targetId: id,
        details: {
          filename: upload.filename,
          format: script.format,
          scenes: script.scenes.length,
          backupVersionId: backup.id,
        },
        ip: ipOf(c),
      });
    });
    // Stored first, then published: a client that misses the message still gets it on load.
    await publishDocUpdate(deps.redis, id, `api:${randomUUID()}`, update);
    return c.json({ preview: summary, storyboard, dryRun: false, changed: true, backup }, 200);
  });
  return router;
}
