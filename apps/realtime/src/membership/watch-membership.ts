import {
  memberChangedSchema,
  PROJECT_CHANNELS,
  parseNotification as parse,
  projectNotificationSchema,
  type Sql,
} from '@clapboard/server/db';
import type { Logger } from '@clapboard/server/logger';
import type { Role } from '@clapboard/shared/roles';

export interface MembershipHandlers {
  /** A member was added, changed role (`role`) or removed (`role` null). */
  onMemberChanged(projectId: string, userId: string, role: Role | null): void;
  onProjectDeleted(projectId: string): void;
}

export interface MembershipWatch {
  /**
   * A counter per (project, user) bumped on every change, so a connection authorized from a read
   * made before a change can tell that it must read again.
   */
  generation(projectId: string, userId: string): number;
  close(): Promise<void>;
}

/**
 * LISTENs on the membership channels (every instance does, so each acts on its own connections).
 * postgres.js keeps one dedicated connection for it and re-LISTENs after reconnecting.
 */
export async function watchMembership(
  sql: Sql,
  log: Logger,
  handlers: MembershipHandlers,
): Promise<MembershipWatch> {
  const generations = new Map<string, number>();
  const bump = (key: string) => generations.set(key, (generations.get(key) ?? 0) + 1);
  const member = await sql.listen(PROJECT_CHANNELS.memberChanged, (payload) => {
    const event = parse(memberChangedSchema, payload);
    if (!event) return log.warn({ payload }, 'ignored a malformed member notification');
    bump(`${event.projectId}:${event.userId}`);
    handlers.onMemberChanged(event.projectId, event.userId, event.role);
  });
  const deleted = await sql.listen(PROJECT_CHANNELS.projectDeleted, (payload) => {
    const event = parse(projectNotificationSchema, payload);
    if (!event) return log.warn({ payload }, 'ignored a malformed project notification');
    bump(event.projectId);
    handlers.onProjectDeleted(event.projectId);
  });
  return {
    generation: (projectId, userId) =>
      (generations.get(`${projectId}:${userId}`) ?? 0) + (generations.get(projectId) ?? 0),
    async close() {
      await Promise.all([member.unlisten(), deleted.unlisten()]);
    },
  };
}
