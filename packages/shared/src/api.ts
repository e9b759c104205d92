import { z } from 'zod';
import { projectSettingsSchema } from './document';
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
export const createProjectBodySchema = z.object({
  name: projectNameSchema,
  settings: projectSettingsSchema.partial().optional(),
});
export const updateProjectBodySchema = z.object({
  name: projectNameSchema.optional(),
  settings: projectSettingsSchema.partial().optional(),
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

export const idParamSchema = z.object({ id: z.string().uuid() });
export const jobIdParamSchema = z.object({ jobId: z.string().uuid() });
