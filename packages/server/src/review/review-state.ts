import type { Approval, ApprovalDecision, SceneReviewContent } from '@clapboard/shared/review';
import type { Sql } from '../db/connect-db';
import type { DocumentContent } from '../documents/read-document-content';
import { diffReviewContent } from './diff-review-content';
import { hashSceneContent } from './hash-scene-content';
import { type ReviewableScene, sceneReviewContents } from './scene-review-content';

/** A row of `approvals` with the reviewer's name. */
export interface ApprovalRow {
  id: string;
  project_id: string;
  scene_id: string;
  status: ApprovalDecision;
  content_hash: string;
  content: SceneReviewContent;
  note: string | null;
  reviewer_id: string | null;
  reviewer_name: string | null;
  created_at: Date;
}

/** The newest decision per scene of a project (the current one; older rows are history). */
export async function latestDecisions(sql: Sql, projectId: string): Promise<ApprovalRow[]> {
  return sql<ApprovalRow[]>`
    select distinct on (a.scene_id) a.id, a.project_id, a.scene_id, a.status, a.content_hash, a.content,
      a.note, a.reviewer_id, u.name as reviewer_name, a.created_at
    from approvals a left join users u on u.id = a.reviewer_id
    where a.project_id = ${projectId}
    order by a.scene_id, a.created_at desc, a.id desc`;
}

/**
 * A decision with its staleness, computed now: the scene's current content is hashed again and
 * compared with the hash stored at decision time. A scene that is gone counts as stale.
 */
export function assessApproval(row: ApprovalRow, current: ReviewableScene | undefined): Approval {
  const stale = !current || hashSceneContent(current.content) !== row.content_hash;
  const diff = stale
    ? diffReviewContent(row.content, current?.content ?? null)
    : { changes: [], scriptDiff: [] };
  return {
    id: row.id,
    projectId: row.project_id,
    sceneId: row.scene_id,
    status: row.status,
    note: row.note,
    reviewer: row.reviewer_id ? { id: row.reviewer_id, name: row.reviewer_name ?? '' } : null,
    contentHash: row.content_hash,
    content: row.content,
    createdAt: row.created_at.toISOString(),
    stale,
    changes: diff.changes,
    scriptDiff: diff.scriptDiff,
  };
}

/** Current decisions of a project, each assessed against `content` (the live or stored document). */
export async function assessDecisions(
  sql: Sql,
  projectId: string,
  content: DocumentContent,
): Promise<{ scenes: ReviewableScene[]; approvals: Map<string, Approval> }> {
  const scenes = await sceneReviewContents(content);
  const byId = new Map(scenes.map((s) => [s.sceneId, s]));
  const approvals = new Map<string, Approval>();
  for (const row of await latestDecisions(sql, projectId))
    approvals.set(row.scene_id, assessApproval(row, byId.get(row.scene_id)));
  return { scenes, approvals };
}
