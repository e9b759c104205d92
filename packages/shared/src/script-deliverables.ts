import { z } from 'zod';
import { safeText } from './text';

/**
 * Files made from one pinned version of a project's document (its script and storyboard), each
 * served at `GET /api/v1/projects/:id/<file>?version=` with the file named in
 * {@link SCRIPT_DELIVERABLE_FILES}. Render-based files (subtitles, edit decision lists) are made from
 * a render instead; see `@clapboard/shared/deliverables`.
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

/**
 * The path segment each deliverable is served at under `/api/v1/projects/:id/`: exports are named
 * by format (`export.fountain`, `export.fdx`, `export.pdf` for the screenplay), as the render's are
 * (`renders/:jobId/export.srt` …), beside `storyboard.pdf`, `shotlist.csv` and `handover.zip`.
 */
export const SCRIPT_DELIVERABLE_FILES = {
  fountain: 'export.fountain',
  fdx: 'export.fdx',
  'screenplay.pdf': 'export.pdf',
  'storyboard.pdf': 'storyboard.pdf',
  'shotlist.csv': 'shotlist.csv',
  'handover.zip': 'handover.zip',
} as const satisfies Record<ScriptDeliverableKind | 'handover.zip', string>;

/** Default and bounds of storyboard frames per PDF page. */
export const STORYBOARD_FRAMES_PER_PAGE = { default: 3, min: 1, max: 6 } as const;

/**
 * `?version=`: a named version's id, or `current` for a snapshot of the document taken when the
 * request arrives (default). `?perPage=` sets storyboard frames per page (1–6).
 */
export const deliverableQuerySchema = z.object({
  version: z.union([z.literal('current'), safeText().uuid()]).default('current'),
  perPage: z.coerce
    .number()
    .int()
    .min(STORYBOARD_FRAMES_PER_PAGE.min)
    .max(STORYBOARD_FRAMES_PER_PAGE.max)
    .default(STORYBOARD_FRAMES_PER_PAGE.default),
});
export type DeliverableQuery = z.infer<typeof deliverableQuerySchema>;

/**
 * `handover.zip`'s query: the version's, plus `render`, the completed render whose subtitles and
 * edit decision lists the bundle carries. Without it, the newest completed render made from that
 * named version is taken (none for `current`, which no render was made from).
 */
export const handoverQuerySchema = deliverableQuerySchema.extend({ render: safeText().uuid().optional() });
export type HandoverQuery = z.infer<typeof handoverQuerySchema>;

/** One file of a handover bundle, as `manifest.json` lists it. */
export const handoverFileSchema = z.object({
  path: safeText(),
  kind: safeText(),
  bytes: z.number().int().nonnegative(),
  sha256: safeText().regex(/^[0-9a-f]{64}$/),
});

/** `manifest.json` at the root of `handover.zip`. */
export const handoverManifestSchema = z.object({
  project: z.object({ id: safeText().uuid(), name: safeText() }),
  /** The pinned version: a named version's id, or the id minted for the `current` snapshot. */
  version: z.object({ id: safeText(), name: safeText(), pinnedAt: safeText() }),
  createdAt: safeText(),
  /** The render whose subtitles and edit decision lists are in the bundle; null when none. */
  render: z.object({ jobId: safeText().uuid() }).nullable(),
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
