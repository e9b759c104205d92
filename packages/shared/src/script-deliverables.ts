import { z } from 'zod';

/**
 * Files made from one pinned version of a project's document (its script and storyboard), as
 * served by `GET /api/v1/projects/:id/deliverables/:kind?version=`. Render-based files (subtitles,
 * edit decision lists) are made from a render instead; see `@clapboard/shared/deliverables`.
 */
export const SCRIPT_DELIVERABLE_KINDS = [
  'fountain',
  'fdx',
  'screenplay.pdf',
  'storyboard.pdf',
  'shotlist.csv',
] as const;
export const scriptDeliverableKindSchema = z.enum(SCRIPT_DELIVERABLE_KINDS);
export type ScriptDeliverableKind = z.infer<typeof scriptDeliverableKindSchema>;

/** For people, in the order the web panel lists them. */
export const SCRIPT_DELIVERABLE_LABELS: Record<ScriptDeliverableKind, string> = {
  fountain: 'Script (Fountain)',
  fdx: 'Script (Final Draft .fdx)',
  'screenplay.pdf': 'Screenplay PDF',
  'storyboard.pdf': 'Storyboard PDF',
  'shotlist.csv': 'Shot list (CSV)',
};

/** Default and bounds of storyboard frames per PDF page. */
export const STORYBOARD_FRAMES_PER_PAGE = { default: 3, min: 1, max: 6 } as const;

/**
 * `?version=`: a named version's id, or `current` for a snapshot of the document taken when the
 * request arrives (default). `?perPage=` sets storyboard frames per page (1–6).
 */
export const deliverableQuerySchema = z.object({
  version: z.union([z.literal('current'), z.string().uuid()]).default('current'),
  perPage: z.coerce
    .number()
    .int()
    .min(STORYBOARD_FRAMES_PER_PAGE.min)
    .max(STORYBOARD_FRAMES_PER_PAGE.max)
    .default(STORYBOARD_FRAMES_PER_PAGE.default),
});
export type DeliverableQuery = z.infer<typeof deliverableQuerySchema>;

/** One file of a handover bundle, as `manifest.json` lists it. */
export const handoverFileSchema = z.object({
  path: z.string(),
  kind: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/** `manifest.json` at the root of `handover.zip`. */
export const handoverManifestSchema = z.object({
  project: z.object({ id: z.string().uuid(), name: z.string() }),
  /** The pinned version: a named version's id, or the id minted for the `current` snapshot. */
  version: z.object({ id: z.string(), name: z.string(), pinnedAt: z.string() }),
  createdAt: z.string(),
  files: z.array(handoverFileSchema),
});
export type HandoverManifest = z.infer<typeof handoverManifestSchema>;

/** `my-film` from `My Film!`: the project's name as it appears in file names. */
export function fileSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug || 'project';
}
