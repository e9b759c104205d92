import { z } from 'zod';
import { aspectRatioSchema, projectSettingsSchema, resolutionSchema, transitionSchema } from './document';
import { memberRoleSchema, roleSchema } from './roles';
import { safeText } from './text';

export const API_PREFIX = '/api/v1';

export const emailSchema = safeText().trim().toLowerCase().email().max(254);
export const passwordSchema = safeText().min(10, 'at least 10 characters').max(200);

export const registerBodySchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: safeText().trim().min(1).max(100),
});
export const loginBodySchema = z.object({ email: emailSchema, password: safeText().min(1).max(200) });

export const userSchema = z.object({
  id: safeText().uuid(),
  email: safeText(),
  name: safeText(),
  isAdmin: z.boolean(),
});
export type User = z.infer<typeof userSchema>;
export const authResponseSchema = z.object({
  accessToken: safeText(),
  expiresAt: safeText(),
  user: userSchema,
});
export type AuthResponse = z.infer<typeof authResponseSchema>;

/**
 * `POST /auth/register` answers a taken email with 202 and this body: no account, no session, and
 * no statement that the email is taken (its owner is told by email when SMTP is configured). A new
 * email gets 201 with a session (`authResponseSchema`), as the fixed contract says.
 */
export const registerResponseSchema = z.object({
  status: z.literal('accepted'),
  message: safeText(),
});
export type RegisterResponse = z.infer<typeof registerResponseSchema>;
/** What `POST /auth/register` answers: 201 with a session, or 202 without one (a taken email). */
export const registerAnswerSchema = z.union([authResponseSchema, registerResponseSchema]);

/** A 204 answer: no body (clients read it as `undefined`). */
export const noContentSchema = z.undefined();

/** How a forgotten password is reset on this instance: an emailed link, or a link an instance admin issues. */
export const PASSWORD_RESET_DELIVERIES = ['email', 'admin'] as const;
export const passwordResetDeliverySchema = z.enum(PASSWORD_RESET_DELIVERIES);
export type PasswordResetDelivery = z.infer<typeof passwordResetDeliverySchema>;

export const passwordResetRequestSchema = z.object({ email: emailSchema });
/** Same body for known and unknown emails; `delivery` depends on the instance's configuration only. */
export const passwordResetAcceptedSchema = z.object({
  status: z.literal('accepted'),
  delivery: passwordResetDeliverySchema,
  message: safeText(),
});
export type PasswordResetAccepted = z.infer<typeof passwordResetAcceptedSchema>;

/** The one-time token from a reset link (43 base64url characters for 32 random bytes). */
export const resetTokenSchema = safeText().regex(/^[\w-]{20,200}$/, 'not a reset token');
export const passwordResetConfirmSchema = z.object({ token: resetTokenSchema, password: passwordSchema });

/** What the sign-in pages need to know about this instance before the user acts. */
export const authOptionsSchema = z.object({ passwordReset: passwordResetDeliverySchema });
export type AuthOptions = z.infer<typeof authOptionsSchema>;

export const passwordChangeSchema = z.object({
  currentPassword: safeText().min(1).max(200),
  newPassword: passwordSchema,
});
export type PasswordChange = z.infer<typeof passwordChangeSchema>;

/** Deleting an account asks for the password again, so a borrowed unlocked session cannot do it. */
export const accountDeleteSchema = z.object({ password: safeText().min(1).max(200) });

/** 409 details when an account still owns projects (or clients) other people work in. */
export const ownedProjectsBlockingSchema = z.object({
  projects: z.array(z.object({ id: safeText().uuid(), name: safeText(), otherMembers: z.number().int() })),
  clients: z
    .array(z.object({ id: safeText().uuid(), name: safeText(), otherMembers: z.number().int() }))
    .default([]),
});
export type OwnedProjectsBlocking = z.infer<typeof ownedProjectsBlockingSchema>;

/** An instance admin issues a reset link for a user (instances without SMTP). */
export const adminPasswordResetSchema = z.object({ email: emailSchema });
export const adminPasswordResetResponseSchema = z.object({ url: safeText(), expiresAt: safeText() });
export type AdminPasswordResetResponse = z.infer<typeof adminPasswordResetResponseSchema>;

export const projectNameSchema = safeText().trim().min(1).max(200);
/**
 * A partial settings change. Not `projectSettingsSchema.partial()`: zod 4 still applies defaults
 * inside `.partial()`, so a PATCH of one field would reset every other field to its default.
 */
export const projectSettingsPatchSchema = z.object({
  aspectRatio: aspectRatioSchema.optional(),
  resolution: resolutionSchema.optional(),
  fps: z.number().int().min(12).max(60).optional(),
  musicPrompt: safeText().max(500).optional(),
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
  id: safeText().uuid(),
  name: safeText(),
  role: roleSchema,
  settings: projectSettingsSchema,
  requireApprovalForFinal: z.boolean(),
  createdAt: safeText(),
  updatedAt: safeText(),
});
export type Project = z.infer<typeof projectSchema>;

export const paginationQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: safeText().max(200).optional(),
});
export const pageSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), nextCursor: safeText().nullable() });

export const memberSchema = z.object({
  userId: safeText().uuid(),
  email: safeText(),
  name: safeText(),
  role: roleSchema,
  createdAt: safeText(),
});
export type Member = z.infer<typeof memberSchema>;
/** Project members hold member roles; a guest comes from the client (`/clients/{id}/members`). */
export const inviteMemberBodySchema = z.object({ email: emailSchema, role: memberRoleSchema });
export const updateMemberBodySchema = z.object({ role: memberRoleSchema });

export const budgetSchema = z.object({
  softLimitUsd: z.number().min(0).nullable(),
  hardLimitUsd: z.number().min(0).nullable(),
  spentUsd: z.number(),
});
/** `GET`/`PUT /projects/:id/budget`: the limits, spend so far, what running jobs hold and what is left. */
export const budgetResponseSchema = budgetSchema.extend({
  reservedUsd: z.number(),
  remainingUsd: z.number().nullable(),
});
export type BudgetResponse = z.infer<typeof budgetResponseSchema>;
export const updateBudgetBodySchema = z.object({
  softLimitUsd: z.number().min(0).max(1_000_000).nullable().optional(),
  hardLimitUsd: z.number().min(0).max(1_000_000).nullable().optional(),
});

/** The signed-in user and their refresh session; `GET /api/v1/me`. */
export const meResponseSchema = z.object({ user: userSchema });

export const projectParamsSchema = z.object({ id: safeText().uuid() });
export const memberParamsSchema = z.object({ id: safeText().uuid(), userId: safeText().uuid() });
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
  id: safeText().uuid(),
  projectId: safeText().uuid(),
  kind: assetKindSchema,
  mime: safeText(),
  byteSize: z.number().int(),
  sha256: safeText(),
  /** The uploader's file name, sanitised; display only (store keys never derive from it). */
  originalName: safeText().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  durationSec: z.number().nullable(),
  /** Probe summary: container format, streams (codec, size, rate), image format. */
  probe: z.record(safeText(), z.unknown()),
  hasThumbnail: z.boolean(),
  createdBy: safeText().uuid().nullable(),
  createdAt: safeText(),
  /** Expiring signed URLs that work without headers (for `<img>` and `<video>`). */
  urls: z.object({
    content: safeText(),
    thumbnail: safeText().nullable(),
    expiresAt: safeText(),
  }),
});
export type Asset = z.infer<typeof assetSchema>;

/** Start an upload that goes straight to storage (POST /projects/{id}/assets/direct-uploads). */
export const directUploadRequestSchema = z.object({
  fileName: safeText().min(1).max(255),
  /** The file's exact size: the PUT is signed for it, so S3 refuses any other length. */
  byteSize: z.number().int().positive(),
  contentType: safeText()
    .regex(/^[\w.+-]+\/[\w.+-]+$/, 'a MIME type such as video/mp4')
    .max(255),
});
export const directUploadSchema = z.object({
  /** PUT the file's bytes here, with exactly these headers. */
  uploadUrl: z.url(),
  method: z.literal('PUT'),
  headers: z.record(safeText(), safeText()),
  /** Hand this to the completion route once the PUT succeeded. */
  uploadToken: safeText(),
  expiresAt: safeText(),
});
export const directUploadCompleteSchema = z.object({ uploadToken: safeText().min(1).max(4096) });
export const assetPageSchema = pageSchema(assetSchema);
export const assetParamsSchema = z.object({ id: safeText().uuid() });
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
  id: safeText().uuid(),
  projectId: safeText().uuid(),
  /** Sanitised file name from the `filename` metadata; display only. */
  filename: safeText().nullable(),
  /** Declared size (bytes) and bytes received so far. */
  length: z.number().int(),
  offset: z.number().int(),
  status: z.enum(UPLOAD_STATUSES),
  /** Decided from the first bytes, once they arrived. */
  kind: assetKindSchema.nullable(),
  /** The asset it became, once complete. */
  assetId: safeText().uuid().nullable(),
  expiresAt: safeText(),
  createdAt: safeText(),
});
export type ResumableUpload = z.infer<typeof resumableUploadSchema>;
/** Query of a signed download URL: expiry (unix seconds) and the HMAC over id, variant and expiry. */
export const signedUrlQuerySchema = z.object({
  exp: z.coerce.number().int().positive(),
  sig: safeText().regex(/^[\w-]{20,100}$/),
});
