import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '@clapboard/server/logger';
import { type ModelManifest, modelManifestSchema, USER_MODEL_TASKS } from '@clapboard/shared/models';
import type { ModelRegistry } from './model-registry';

/** A user model found in MODELS_DIR and registered under `manifest.name`. */
export interface UserModel {
  manifest: ModelManifest;
  /** The folder holding manifest.json and the files it names. */
  dir: string;
}

/** A folder that was skipped, and why (shown in logs; the worker still starts). */
export interface UserModelProblem {
  dir: string;
  reason: string;
}

/**
 * Scans `MODELS_DIR/<folder>/manifest.json`, validates each manifest (zod schema in
 * `@clapboard/shared/models`), and registers valid ones with the registry (origin `user`; loaded on
 * first use). A bad folder is logged and skipped; a missing MODELS_DIR means no user models.
 */
export async function loadUserModels(
  registry: ModelRegistry,
  modelsDir: string,
  log: Logger,
): Promise<{ models: UserModel[]; problems: UserModelProblem[] }> {
  const models: UserModel[] = [];
  const problems: UserModelProblem[] = [];
  if (!existsSync(modelsDir)) return { models, problems };
  const folders = (await readdir(modelsDir, { withFileTypes: true })).filter((d) => d.isDirectory());
  for (const folder of folders.sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = resolve(modelsDir, folder.name);
    const skip = (reason: string) => {
      problems.push({ dir, reason });
      log.warn({ dir, reason }, 'skipping user model');
    };
    const manifestFile = join(dir, 'manifest.json');
    if (!existsSync(manifestFile)) {
      skip('no manifest.json');
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(await readFile(manifestFile, 'utf8'));
    } catch (err) {
      skip(`manifest.json is not JSON (${(err as Error).message})`);
      continue;
    }
    const task = (json as { task?: unknown } | null)?.task;
    if (typeof task === 'string' && !(USER_MODEL_TASKS as readonly string[]).includes(task)) {
      skip(
        `task "${task}": user models can only be ${USER_MODEL_TASKS.join(', ')} (the tasks a pipeline runs)`,
      );
      continue;
    }
    const parsed = modelManifestSchema.safeParse(json);
    if (!parsed.success) {
      skip(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
      continue;
    }
    const manifest = parsed.data;
    const files = [manifest.file];
    if (manifest.tokenizer.type === 'vocab') files.push(manifest.tokenizer.file);
    const missing = files.filter((f): f is string => Boolean(f)).find((f) => !existsSync(join(dir, f)));
    if (missing) {
      skip(`${missing} is missing`);
      continue;
    }
    if (registry.has(manifest.name)) {
      skip(`a model named "${manifest.name}" is already registered`);
      continue;
    }
    registry.register({
      name: manifest.name,
      task: manifest.task,
      version: manifest.version,
      license: manifest.license,
      source: manifest.source,
      origin: 'user',
      load: async () => join(dir, manifest.file),
    });
    models.push({ manifest, dir });
    log.info({ model: manifest.name, task: manifest.task }, 'user model registered');
  }
  return { models, problems };
}
