import type { Sql } from '@clapboard/server/db';
import { isFinalRender } from '@clapboard/shared/jobs';
import { conflict } from '../errors/http-error';
import { reviewSummary } from './review-summary';

/**
 * The rule "a final render needs every scene approved", asked for by the project
 * (`require_approval_for_final`) or by its live campaign (`require_storyboard_approval`): when
 * either has it on and a scene's current decision is missing, a change request, or stale, throws
 * 409 with those scenes in `details.unapprovedScenes` and who asks in `details.requiredBy`.
 * Projects under neither rule pass.
 */
export async function assertFinalRenderAllowed(sql: Sql, projectId: string): Promise<void> {
  const [gate] = await sql<{ project: boolean; campaign: string | null }[]>`
    select p.require_approval_for_final as project,
      case when c.require_storyboard_approval then c.name end as campaign
    from projects p left join campaigns c on c.id = p.campaign_id and c.deleted_at is null
    where p.id = ${projectId}`;
  if (!gate || (!gate.project && gate.campaign === null)) return;
  const summary = await reviewSummary(sql, projectId);
  const unapproved = summary.scenes
    .filter((s) => s.status !== 'approved')
    .map((s) => ({ sceneId: s.sceneId, heading: s.heading, status: s.status }));
  if (unapproved.length === 0) return;
  const requiredBy = [...(gate.project ? ['project'] : []), ...(gate.campaign !== null ? ['campaign'] : [])];
  const who = gate.project ? 'This project' : `Campaign "${gate.campaign}"`;
  throw conflict(
    `${who} requires every scene approved before a final render; ${unapproved.length} ${unapproved.length === 1 ? 'is' : 'are'} not.`,
    { unapprovedScenes: unapproved, requiredBy },
  );
}

/**
 * `assertFinalRenderAllowed` for a submission that is a final render (`isFinalRender`: a catalog
 * type flagged `finalRender` with `final: true`, e.g. `render.video`); anything else passes. Every
 * path that creates such a job calls this before writing it.
 */
export async function assertSubmissionAllowed(
  sql: Sql,
  projectId: string,
  type: string,
  params: unknown,
): Promise<void> {
  if (isFinalRender(type, params)) await assertFinalRenderAllowed(sql, projectId);
}
