import type { Sql } from '@clapboard/server/db';
import { loadDocument, readDocumentContent } from '@clapboard/server/documents';
import { assessDecisions } from '@clapboard/server/review';
import type { ReviewSummary, SceneReviewStatus } from '@clapboard/shared/review';

/**
 * The review state of every live scene, computed now from the project's stored document: each
 * scene's newest decision, stale when the scene's content no longer hashes to what was decided,
 * and its comment counts (threads, and threads not yet resolved).
 */
export async function reviewSummary(sql: Sql, projectId: string): Promise<ReviewSummary> {
  const { doc } = await loadDocument(sql, projectId);
  try {
    const { scenes, approvals } = await assessDecisions(sql, projectId, readDocumentContent(doc));
    const counts = await sql<{ scene_id: string; total: number; open: number }[]>`
      select scene_id, count(*)::int as total, count(*) filter (where resolved_at is null)::int as open
      from comments
      where project_id = ${projectId} and scene_id is not null and parent_id is null and deleted_at is null
      group by scene_id`;
    const byScene = new Map(counts.map((c) => [c.scene_id, c]));
    const tally: Record<SceneReviewStatus, number> = {
      approved: 0,
      changes_requested: 0,
      stale: 0,
      not_reviewed: 0,
    };
    const [project] = await sql<{ require_approval_for_final: boolean }[]>`
      select require_approval_for_final from projects where id = ${projectId}`;
    const rows = scenes.map((s) => {
      const approval = approvals.get(s.sceneId) ?? null;
      const status: SceneReviewStatus = !approval
        ? 'not_reviewed'
        : approval.stale
          ? 'stale'
          : approval.status;
      tally[status]++;
      const c = byScene.get(s.sceneId);
      return {
        sceneId: s.sceneId,
        index: s.index,
        heading: s.content.heading,
        frameAssetId: s.content.frameAssetId,
        status,
        approval,
        comments: { total: c?.total ?? 0, open: c?.open ?? 0 },
      };
    });
    return {
      projectId,
      requireApprovalForFinal: project?.require_approval_for_final ?? false,
      counts: tally,
      scenes: rows,
    };
  } finally {
    doc.destroy();
  }
}
