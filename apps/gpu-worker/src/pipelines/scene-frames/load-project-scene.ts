import type { Sql } from '@clapboard/server/db';
import { loadDocumentState } from '@clapboard/server/documents';
import { type ProjectSettings, projectSettingsSchema } from '@clapboard/shared/document';
import { UnrecoverableError } from 'bullmq';
import { type ProjectScene, readProjectScene } from '../render/render-document';

/**
 * A scene as the project's document stores it now, with the project's defaults (the output
 * resolution and aspect ratio that frames are drawn at).
 *
 * Frame jobs read the latest persisted document rather than a version pinned at submit (as a
 * render does): the frame is for the scene as it is when drawn, a retry should pick up edits made
 * since, and a pinned version per click would fill the project's version history. The step reads
 * the document once, so every frame of one job shows the same state of the scene.
 *
 * @throws UnrecoverableError when the project is gone or has no such scene (see `readProjectScene`)
 */
export async function loadProjectScene(
  sql: Sql,
  projectId: string,
  sceneId: string,
): Promise<ProjectScene & { settings: ProjectSettings }> {
  const [project] = await sql<{ settings: Record<string, unknown> }[]>`
    select settings from projects where id = ${projectId} and deleted_at is null`;
  if (!project) throw new UnrecoverableError('The project no longer exists.');
  const parsed = projectSettingsSchema.safeParse(project.settings ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UnrecoverableError(`Project settings are invalid: ${issue?.path.join('.')} ${issue?.message}.`);
  }
  const { state } = await loadDocumentState(sql, projectId);
  return { ...readProjectScene(state, sceneId), settings: parsed.data };
}
