import type { ProjectSettings } from '@clapboard/shared/document';
import { transitionSeconds } from '@clapboard/shared/render-timing';
import type { Sql } from '../db/connect-db';
import { loadDocumentState } from '../documents/load-document';
import { checkRenderBounds } from '../render/check-render-bounds';
import { estimateRenderLength } from '../render/estimate-render-length';
import { readRenderDocumentState } from '../render/read-render-document';

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
): Promise<{
  versionId: string;
  sceneCount: number;
  estimatedSec: number;
  /** Each scene's estimated on-screen seconds, the render plan's work units. */
  shotSec: number[];
  warnings: string[];
}> {
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
    shotSec: report.shots,
    warnings: report.warnings,
  };
}

/**
 * Each scene's estimated on-screen seconds in a stored version, to plan a retry or a recovery of
 * the render that pinned it; empty when the version is gone or has no scenes.
 */
export async function versionShotSeconds(
  sql: Sql,
  versionId: string,
  transition?: ProjectSettings['transition'],
): Promise<number[]> {
  const [row] = await sql<{ state: Buffer }[]>`select state from doc_versions where id = ${versionId}`;
  if (!row) return [];
  const content = readRenderDocumentState(row.state);
  if (!content.scenes.length) return [];
  const fps = content.settings.fps;
  return estimateRenderLength(
    content.scenes,
    transitionSeconds(transition ?? content.settings.transition, fps),
    fps,
  ).shots;
}
