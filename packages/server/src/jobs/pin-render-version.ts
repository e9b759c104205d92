import { DOC_KEYS } from '@clapboard/shared/document';
import * as Y from 'yjs';
import type { Sql } from '../db/connect-db';
import { loadDocumentState } from '../documents/load-document';

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
 * Pins the project document as it is now as a version (source `render`), so a render shows
 * exactly this state however the document changes while it runs.
 *
 * @returns the version id and how many scenes it holds
 */
export async function pinRenderVersion(
  sql: Sql,
  projectId: string,
  userId: string,
): Promise<{ versionId: string; sceneCount: number }> {
  const { state } = await loadDocumentState(sql, projectId);
  const [row] = await sql<{ id: string }[]>`
    insert into doc_versions (project_id, name, state, source, created_by)
    values (${projectId}, ${`Render ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`}, ${Buffer.from(state)}, 'render', ${userId})
    returning id`;
  return { versionId: row!.id, sceneCount: countRenderScenes(state) };
}

/** Scenes in a stored version (0 when it is gone), to plan a retry of the same render. */
export async function versionSceneCount(sql: Sql, versionId: string): Promise<number> {
  const [row] = await sql<{ state: Buffer }[]>`select state from doc_versions where id = ${versionId}`;
  return row ? countRenderScenes(row.state) : 0;
}
