import { z } from 'zod';
import { aspectRatioSchema, projectSettingsSchema, resolutionSchema, transitionSchema } from './document';
import { roleSchema } from './roles';

export const API_PREFIX = '/api/v1';

export const emailSchema = z.string().trim().toLowerCase().email().max(254);
export const passwordSchema = z.string().min(10, 'at least 10 characters').max(200);

export const registerBodySchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: z.string().trim().min(1).max(100),
});
export const loginBodySchema = z.object({ email: emailSchema, password: z.string().min(1).max(200) });

export const userSchema = z.object({
  id: z.string().uuid(),
  email: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
});
export type User = z.infer<typeof userSchema>;
export const authResponseSchema = z.object({
  accessToken: z.string(),
  expiresAt: z.string(),
  user: userSchema,
});
export type AuthResponse = z.infer<typeof authResponseSchema>;

export const projectNameSchema = z.string().trim().min(1).max(200);
/**
 * A partial settings change. Not `projectSettingsSchema.partial()`: zod 4 still applies defaults
 * inside `.partial()`, so a PATCH of one field would reset every other field to its default.
 */
export const projectSettingsPatchSchema = z.object({
  aspectRatio: aspectRatioSchema.optional(),
  resolution: resolutionSchema.optional(),
  fps: z.number().int().min(12).max(60).optional(),
  musicPrompt: z.string().max(500).optional(),
  transition: transitionSchema.optional(),
});
export const createProjectBodySchema = z.object({
  name: projectNameSchema,
  settings: projectSettingsPatchSchema.optional(),
});
export type CreateProjectBody = z.infer<typeof createProjectBodySchema>;
export const updateProjectBodySchema = z.object({
  name: projectNameSchema.optional(),
  settings: projectSettingsPatchSchema.optional(),
  requireApprovalForFinal: z.boolean().optional(),
});
export const projectSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  role: roleSchema,
  settings: projectSettingsSchema,
  requireApprovalForFinal: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Project = z.infer<typeof projectSchema>;

export const paginationQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
export const pageSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const memberSchema = z.object({
  userId: z.string().uuid(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  createdAt: z.string(),
});
export type Member = z.infer<typeof memberSchema>;
export const inviteMemberBodySchema = z.object({ email: emailSchema, role: roleSchema });
export const updateMemberBodySchema = z.object({ role: roleSchema });

export const budgetSchema = z.object({
  softLimitUsd: z.number().min(0).nullable(),
  hardLimitUsd: z.number().min(0).nullable(),
  spentUsd: z.number(),
});
export const updateBudgetBodySchema = z.object({
  softLimitUsd: z.number().min(0).max(1_000_000).nullable().optional(),
  hardLimitUsd: z.number().min(0).max(1_000_000).nullable().optional(),
});

/** The signed-in user and their refresh session; `GET /api/v1/me`. */
export const meResponseSchema = z.object({ user: userSchema });

export const projectParamsSchema = z.object({ id: z.string().uuid() });
export const memberParamsSchema = z.object({ id: z.string().uuid(), userId: z.string().uuid() });
export const projectPageSchema = pageSchema(projectSchema);
export const memberListSchema = z.object({ items: z.array(memberSchema) });

/** What an uploaded file is, decided by its magic bytes and probe, never by its name. */
export const ASSET_KINDS = ['image', 'video', 'audio', 'document'] as const;
export const assetKindSchema = z.enum(ASSET_KINDS);
export type AssetKind = z.infer<typeof assetKindSchema>;

/** Asset download variants: the original bytes, or the server-made thumbnail (WebP). */
export const ASSET_VARIANTS = ['content', 'thumbnail'] as const;
export const assetVariantSchema = z.enum(ASSET_VARIANTS);
export type AssetVariant = z.infer<typeof assetVariantSchema>;

export const assetSchema = z.object({
  id: z.string().uuid(),
  projectId: z.string().uuid(),
  kind: assetKindSchema,
  mime: z.string(),
  byteSize: z.number().int(),
  sha256: z.string(),
  /** The uploader's file name, sanitised; display only (store keys never derive from it). */
  originalName: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  durationSec: z.number().nullable(),
  /** Probe summary: container format, streams (codec, size, rate), image format. */
  probe: z.record(z.string(), z.unknown()),
  hasThumbnail: z.boolean(),
  createdBy: z.string().uuid().nullable(),
  createdAt: z.string(),
  /** Expiring signed URLs that work without headers (for `<img>` and `<video>`). */
  urls: z.object({
    content: z.string(),
    thumbnail: z.string().nullable(),
    expiresAt: z.string(),
  }),
});
export type Asset = z.infer<typeof assetSchema>;
export const assetPageSchema = pageSchema(assetSchema);
export const assetParamsSchema = z.object({ id: z.string().uuid() });
export const listAssetsQuerySchema = paginationQuerySchema.extend({ kind: assetKindSchema.optional() });

/**
 * Resumable uploads (tus 1.0: core, creation, termination, expiration, checksum). `POST
 * /api/v1/projects/:id/uploads` creates one; `HEAD`/`PATCH`/`DELETE /api/v1/uploads/:id` resume,
 * append and cancel it; a complete upload becomes an ordinary asset of the project.
 */
export const TUS = {
  version: '1.0.0',
  extensions: ['creation', 'termination', 'expiration', 'checksum'],
  /** Algorithms accepted in `Upload-Checksum` (per PATCH). */
  checksumAlgorithms: ['sha1', 'sha256'],
  /** Content type of a PATCH body. */
  patchContentType: 'application/offset+octet-stream',
} as const;

export const UPLOAD_STATUSES = ['open', 'assembling', 'completed'] as const;

/** `GET /api/v1/uploads/:id` (JSON; `HEAD` answers with the tus headers alone). */
export const resumableUploadSchema = z.object({
  id: z.string().uuid(),
  projectId: z.string().uuid(),
  /** Sanitised file name from the `filename` metadata; display only. */
  filename: z.string().nullable(),
  /** Declared size (bytes) and bytes received so far. */
  length: z.number().int(),
  offset: z.number().int(),
  status: z.enum(UPLOAD_STATUSES),
  /** Decided from the first bytes, once they arrived. */
  kind: assetKindSchema.nullable(),
  /** The asset it became, once complete. */
  assetId: z.string().uuid().nullable(),
  expiresAt: z.string(),
  createdAt: z.string(),
});
export type ResumableUpload = z.infer<typeof resumableUploadSchema>;
/** Query of a signed download URL: expiry (unix seconds) and the HMAC over id, variant and expiry. */
export const signedUrlQuerySchema = z.object({
  exp: z.coerce.number().int().positive(),
  sig: z.string().regex(/^[\w-]{20,100}$/),
});
