import type { Sql } from '@clapboard/server/db';
import { conflict } from '../errors/http-error';
import { reviewSummary } from './review-summary';

/**
 * The project rule "a final render needs every scene approved": when the project has it on and a
 * scene's current decision is missing, a change request, or stale, throws 409 with those scenes in
 * `details.unapprovedScenes`. Projects without the rule pass.
 */
export async function assertFinalRenderAllowed(sql: Sql, projectId: string): Promise<void> {
  const [project] = await sql<{ require_approval_for_final: boolean }[]>`
    select require_approval_for_final from projects where id = ${projectId}`;
  if (!project?.require_approval_for_final) return;
  const summary = await reviewSummary(sql, projectId);
  const unapproved = summary.scenes
    .filter((s) => s.status !== 'approved')
    .map((s) => ({ sceneId: s.sceneId, heading: s.heading, status: s.status }));
  if (unapproved.length > 0)
    throw conflict(
      `A final render needs every scene approved; ${unapproved.length} ${unapproved.length === 1 ? 'is' : 'are'} not.`,
      { unapprovedScenes: unapproved },
    );
}
