import { DOC_KEYS, type ProjectSettings } from '@clapboard/shared/document';
import * as Y from 'yjs';
import type { Sql } from '../db/connect-db';
import { loadDocumentState } from '../documents/load-document';
import { checkRenderBounds } from '../render/check-render-bounds';
import { readRenderDocumentState } from '../render/read-render-document';

/** Scenes a render shows: scene maps in `scenes` not marked removed (what the worker renders). */
export function countRenderScenes(state: Uint8Array): number {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return doc
      .getArray<unknown>(DOC_KEYS.scenes)
      .toArray()
      .filter((s) => s instanceof Y.Map && s.get('removed') !== true).length;
  } finally {
    doc.destroy();
  }
}

/**
 * Checks the project document as it is now against what a render accepts (valid scenes and
 * settings, the scene and length bounds, with the worker's timing rules) and pins it as a version
 * (source `render`), so a render shows exactly this state however the document changes while it
 * runs. Nothing is written when the check fails.
 *
 * @param options.transition the render preset's transition, when it overrides the project's
 * @returns the version id, how many scenes it holds, the film's estimated length (seconds) and
 *   warnings for the user (e.g. blank scenes render as silent shots)
 * @throws RenderDocumentError naming the scene and the bound (the API answers 422)
 */
export async function pinRenderVersion(
  sql: Sql,
  projectId: string,
  userId: string,
  options: { transition?: ProjectSettings['transition'] } = {},
): Promise<{ versionId: string; sceneCount: number; estimatedSec: number; warnings: string[] }> {
  const { state } = await loadDocumentState(sql, projectId);
  const content = readRenderDocumentState(state);
  const report = checkRenderBounds(content, options.transition ?? content.settings.transition);
  const [row] = await sql<{ id: string }[]>`
    insert into doc_versions (project_id, name, state, source, created_by)
    values (${projectId}, ${`Render ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`}, ${Buffer.from(state)}, 'render', ${userId})
    returning id`;
  return {
    versionId: row!.id,
    sceneCount: content.scenes.length,
    estimatedSec: report.totalSec,
    warnings: report.warnings,
  };
}

/** Scenes in a stored version (0 when it is gone), to plan a retry of the same render. */
export async function versionSceneCount(sql: Sql, versionId: string): Promise<number> {
  const [row] = await sql<{ state: Buffer }[]>`select state from doc_versions where id = ${versionId}`;
  return row ? countRenderScenes(row.state) : 0;
}
