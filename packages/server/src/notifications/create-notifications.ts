import { userRoom } from '@clapboard/shared/events';
import type { NotificationKind } from '@clapboard/shared/review';
import type { Sql } from '../db/connect-db';
import type { JobEmitter } from '../jobs/job-events';

/**
 * Writes one inbox row per recipient and pushes `notification:new` to each recipient's
 * `user:<id>` room. The actor never notifies themselves. Rows are committed before the push, so a
 * client that re-queries on the event always finds them.
 *
 * @returns the ids of the rows written
 */
export async function createNotifications(
  sql: Sql,
  emitter: JobEmitter | undefined,
  input: {
    userIds: Iterable<string>;
    kind: NotificationKind;
    projectId: string | null;
    payload: Record<string, unknown>;
    /** Left out of the recipients. */
    actorId?: string | null;
  },
): Promise<string[]> {
  const recipients = [...new Set(input.userIds)].filter((id) => id !== input.actorId);
  if (recipients.length === 0) return [];
  const rows = await sql<{ id: string; user_id: string; created_at: Date }[]>`
    insert into notifications ${sql(
      recipients.map((userId) => ({
        user_id: userId,
        project_id: input.projectId,
        kind: input.kind,
        payload: sql.json(input.payload as never),
      })),
    )}
    returning id, user_id, created_at`;
  for (const row of rows)
    emitter?.to(userRoom(row.user_id)).emit('notification:new', {
      id: row.id,
      kind: input.kind,
      projectId: input.projectId,
      payload: input.payload,
      at: row.created_at.toISOString(),
    });
  return rows.map((r) => r.id);
}
