import {
  MAX_SCRIPT_IMPORT_BYTES,
  type ScriptImportCreated,
  type ScriptImportPreview,
  type ScriptImportReplaced,
  scriptImportCreatedSchema,
  scriptImportPreviewSchema,
  scriptImportReplacedSchema,
} from '@clapboard/shared/script-import';
import { restoreVersionResponseSchema } from '@clapboard/shared/versions';
import { ApiError, api } from './api-client';

function form(file: File, fields: Record<string, string> = {}): FormData {
  // The browser checks the size first so a too-large file fails at once, with the same words as the API.
  if (file.size > MAX_SCRIPT_IMPORT_BYTES)
    throw new ApiError(
      413,
      'payload_too_large',
      `Script files may be at most ${MAX_SCRIPT_IMPORT_BYTES / (1024 * 1024)} MB.`,
    );
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  data.append('file', file, file.name);
  return data;
}

/**
 * What a script file holds, read by the API without writing: for a new project, or (with
 * `projectId`) as a dry run of replacing that project's script, which also says what happens to
 * the storyboard's existing scenes.
 */
export async function previewScriptImport(
  file: File,
  projectId?: string,
): Promise<{ preview: ScriptImportPreview; storyboard: ScriptImportReplaced['storyboard'] | null }> {
  if (projectId) {
    const { preview, storyboard } = await api(
      `/projects/${projectId}/script-import?dryRun=true`,
      scriptImportReplacedSchema,
      { method: 'POST', body: form(file) },
    );
    return { preview, storyboard };
  }
  const preview = await api('/script-imports/preview', scriptImportPreviewSchema, {
    method: 'POST',
    body: form(file),
  });
  return { preview, storyboard: null };
}

/** Creates a project (named `name`, else the script's title or file name) holding the script. */
export async function createProjectFromScript(file: File, name?: string): Promise<ScriptImportCreated> {
  return api('/script-imports', scriptImportCreatedSchema, {
    method: 'POST',
    body: form(file, name ? { name } : {}),
  });
}

/** Replaces the project's script (and syncs its scenes) as one change; `backup` restores what was there. */
export async function replaceScript(projectId: string, file: File): Promise<ScriptImportReplaced> {
  return api(`/projects/${projectId}/script-import`, scriptImportReplacedSchema, {
    method: 'POST',
    body: form(file),
  });
}

/** Restores a saved version (the backup an import made) as a new change: undoes the import. */
export async function restoreVersion(projectId: string, versionId: string) {
  return api(`/projects/${projectId}/versions/${versionId}/restore`, restoreVersionResponseSchema, {
    method: 'POST',
  });
}
