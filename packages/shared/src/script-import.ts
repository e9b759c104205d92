import { z } from 'zod';
import { projectNameSchema, projectSchema } from './api';
import { safeText } from './text';
import { versionSchema } from './versions';

/**
 * Script import (`POST /api/v1/script-imports…`, `POST /api/v1/projects/:id/script-import`): a script
 * file sent as multipart/form-data (field `file`), read as Fountain, Final Draft, Markdown or a
 * printed plain-text screenplay.
 */

/** Largest script file accepted (bytes); a 120-page FDX is about 300 KB. Larger uploads get 413. */
export const MAX_SCRIPT_IMPORT_BYTES = 2 * 1024 * 1024;

/**
 * Most scenes an imported script may have (a feature has about 150): matching a replaced script's
 * scenes to the storyboard's costs the product of both counts.
 */
export const MAX_SCRIPT_IMPORT_SCENES = 1000;

/** Formats a script file is read as. `text` is a screenplay laid out as printed plain text. */
export const SCRIPT_IMPORT_FORMATS = ['fountain', 'fdx', 'markdown', 'text'] as const;
export const scriptImportFormatSchema = z.enum(SCRIPT_IMPORT_FORMATS);
export type ScriptImportFormat = z.infer<typeof scriptImportFormatSchema>;

/** File name endings accepted (lower case, with the dot), e.g. for a file picker's `accept`. */
export const SCRIPT_IMPORT_EXTENSIONS = [
  '.fountain',
  '.spmd',
  '.fdx',
  '.txt',
  '.text',
  '.md',
  '.markdown',
] as const;

/** Multipart text fields besides `file` when creating a project (`name` defaults to the title). */
export const scriptImportFieldsSchema = z.object({ name: projectNameSchema.optional() });

/** `?dryRun=true` on the replace route: preview only, nothing written. */
export const scriptImportQuerySchema = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

/** One scene the import will create. */
export const scriptImportSceneSchema = z.object({
  heading: safeText(),
  sceneNumber: safeText().nullable(),
  /** Spoken lines in the scene. */
  lines: z.number().int().nonnegative(),
  /** Speakers in order of first line. */
  characters: z.array(safeText()),
});
export type ScriptImportScene = z.infer<typeof scriptImportSceneSchema>;

/** What a script file holds, read without writing anything. */
export const scriptImportPreviewSchema = z.object({
  filename: safeText(),
  format: scriptImportFormatSchema,
  /** Title from the title page, or null. */
  title: safeText().nullable(),
  scenes: z.array(scriptImportSceneSchema),
  /** Speakers, most lines first. */
  characters: z.array(safeText()),
  /** Size of the Fountain text the project's script will hold (UTF-16 code units). */
  scriptLength: z.number().int().nonnegative(),
});
export type ScriptImportPreview = z.infer<typeof scriptImportPreviewSchema>;

/** `POST /api/v1/script-imports`: the project created with the imported script. */
export const scriptImportCreatedSchema = z.object({
  project: projectSchema,
  preview: scriptImportPreviewSchema,
});
export type ScriptImportCreated = z.infer<typeof scriptImportCreatedSchema>;

/**
 * `POST /api/v1/projects/:id/script-import`: the script was replaced as one change; `backup` is the
 * version saved just before, so restoring it undoes the import. With `dryRun`, `backup` is null and
 * nothing changed.
 */
export const scriptImportReplacedSchema = z.object({
  preview: scriptImportPreviewSchema,
  /** What happens to the storyboard's existing scenes (as the "sync from script" dialog says it). */
  storyboard: z.object({
    /** e.g. "2 new, 1 changed, 1 to remove" or "Scenes are up to date". */
    summary: safeText(),
    /** One sentence per change. */
    lines: z.array(safeText()),
    unchanged: z.number().int().nonnegative(),
  }),
  dryRun: z.boolean(),
  changed: z.boolean(),
  backup: versionSchema.nullable(),
});
export type ScriptImportReplaced = z.infer<typeof scriptImportReplacedSchema>;
