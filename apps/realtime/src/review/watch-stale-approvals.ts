import type { Sql } from '@clapboard/server/db';
import { readDocumentContent } from '@clapboard/server/documents';
import type { Logger } from '@clapboard/server/logger';
import { assessDecisions } from '@clapboard/server/review';
import type * as Y from 'yjs';

/** What `approval:changed` carries when a decision goes stale or fresh. */
export interface StaleChange {
  projectId: string;
  sceneId: string;
  approvalId: string;
  reason: 'stale' | 'fresh';
}

export interface StaleWatch {
  /** Call after a project's document updates were committed; checks after `delayMs` of quiet. */
  documentPersisted(projectId: string): void;
  close(): void;
}

/**
 * Notices decisions that go stale (or fresh again) as people edit. After a document's updates are
 * committed (so the API, which reads Postgres, agrees), the instance that accepted them re-hashes
 * every decided scene from its in-memory Y.Doc and reports each decision whose staleness changed
 * since the last check. Each project remembers only its current decisions, so memory stays bounded
 * by scenes. A decision counts as fresh when first seen: it was made on the content of its time.
 *
 * @param delayMs quiet period per project before checking, so a burst of typing costs one query
 */
export function watchStaleApprovals(deps: {
  sql: Sql;
  log: Logger;
  doc(projectId: string): Y.Doc | undefined;
  report(change: StaleChange): void;
  delayMs?: number;
}): StaleWatch {
  const timers = new Map<string, NodeJS.Timeout>();
  const known = new Map<string, Map<string, boolean>>();
  let closed = false;

  const check = async (projectId: string) => {
    const doc = deps.doc(projectId);
    if (!doc || closed) return;
    const { approvals } = await assessDecisions(deps.sql, projectId, readDocumentContent(doc));
    const before = known.get(projectId) ?? new Map<string, boolean>();
    const now = new Map<string, boolean>();
    for (const a of approvals.values()) {
      now.set(a.id, a.stale);
      if ((before.get(a.id) ?? false) !== a.stale)
        deps.report({ projectId, sceneId: a.sceneId, approvalId: a.id, reason: a.stale ? 'stale' : 'fresh' });
    }
    known.set(projectId, now);
  };

  return {
    documentPersisted(projectId) {
      if (closed) return;
      clearTimeout(timers.get(projectId));
      timers.set(
        projectId,
        setTimeout(() => {
          timers.delete(projectId);
          check(projectId).catch((err: unknown) =>
            deps.log.warn({ err, projectId }, 'stale approval check failed'),
          );
        }, deps.delayMs ?? 150),
      );
    },
    close() {
      closed = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      known.clear();
    },
  };
}
