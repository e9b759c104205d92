import { z } from 'zod';
import { safeText } from './text';

/** `POST /api/v1/projects/:id/versions`: name the current state of the document. */
export const createVersionBodySchema = z.object({ name: safeText().trim().min(1).max(200) });
export type CreateVersionBody = z.infer<typeof createVersionBodySchema>;

export const VERSION_SOURCES = ['manual', 'render', 'restore', 'import'] as const;

/** A named version as listed (the encoded state itself is not sent). */
export const versionSchema = z.object({
  id: safeText().uuid(),
  projectId: safeText().uuid(),
  name: safeText(),
  source: z.enum(VERSION_SOURCES),
  /** Size of the stored encoded state in bytes. */
  byteSize: z.number().int(),
  createdBy: safeText().uuid().nullable(),
  createdAt: safeText(),
});
export type Version = z.infer<typeof versionSchema>;
/** `GET /projects/:id/versions`: the saved versions, newest first. */
export const versionListSchema = z.object({ items: z.array(versionSchema) });
/** `POST /projects/:id/versions` (201): the version saved. */
export const versionCreatedSchema = z.object({ version: versionSchema });

/** A scene as read from the document: plain JSON of its Y.Map (see `sceneSchema` for the fields). */
export const versionSceneSchema = z.record(safeText(), z.unknown());

/** `GET …/versions/:versionId`: what the version holds, readable. */
export const versionPreviewSchema = z.object({
  version: versionSchema,
  script: safeText(),
  scenes: z.array(versionSceneSchema),
});
export type VersionPreview = z.infer<typeof versionPreviewSchema>;

export const lineChangeSchema = z.object({ op: z.enum(['equal', 'add', 'remove']), text: safeText() });

/** `GET …/versions/:a/diff/:b`: what changed from version `a` to version `b`. */
export const versionDiffSchema = z.object({
  from: versionSchema,
  to: versionSchema,
  script: z.object({
    added: z.number().int(),
    removed: z.number().int(),
    lines: z.array(lineChangeSchema),
  }),
  scenes: z.object({
    added: z.array(versionSceneSchema),
    removed: z.array(versionSceneSchema),
    changed: z.array(
      z.object({
        id: safeText(),
        fields: z.array(safeText()),
        before: versionSceneSchema,
        after: versionSceneSchema,
      }),
    ),
    moved: z.array(safeText()),
  }),
});
export type VersionDiff = z.infer<typeof versionDiffSchema>;

/** `POST …/versions/:versionId/restore`: applied as a new change on top of the current document. */
export const restoreVersionResponseSchema = z.object({
  restoredFrom: versionSchema,
  /** The state just before the restore, saved so the restore itself can be undone. */
  backup: versionSchema,
  /** False when the document already had the version's content (nothing was written). */
  changed: z.boolean(),
});
export type RestoreVersionResponse = z.infer<typeof restoreVersionResponseSchema>;
