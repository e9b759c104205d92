import { roleSchema } from '@clapboard/shared/roles';
import { z } from 'zod';

/**
 * Postgres NOTIFY channels raised by triggers in the schema, and their payloads: membership
 * (0001_init.sql: added, role changed, removed), a project soft-deleted (0001) and any change to a
 * project row (0010). The realtime server acts on membership; API instances drop cached pages.
 */
export const PROJECT_CHANNELS = {
  memberChanged: 'clapboard_member_changed',
  projectDeleted: 'clapboard_project_deleted',
  projectChanged: 'clapboard_project_changed',
} as const;

export const memberChangedSchema = z.object({
  projectId: z.string(),
  userId: z.string(),
  /** The new role; null when the member was removed. */
  role: roleSchema.nullable(),
});
export const projectNotificationSchema = z.object({ projectId: z.string() });

/** A notification payload parsed with its schema; null when it is not JSON or not that shape. */
export function parseNotification<T>(schema: z.ZodType<T>, payload: string): T | null {
  try {
    const result = schema.safeParse(JSON.parse(payload));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}
