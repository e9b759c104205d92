import { emitVariantChanged, type JobEmitter } from '@clapboard/server/jobs';
import type { Logger } from '@clapboard/server/logger';
import type { Sql } from 'postgres';

/** At most this many variants are announced per change; the rest are read again on the next visit. */
export const MAX_ANNOUNCED_VARIANTS = 2000;

/**
 * After a brand kit changed (its style, logo or fonts; deleted), or a campaign took another kit:
 * tells open studios and client guests' pages to read the rendered variants it reaches again,
 * since their `stale` may have turned (`variant:changed`, reason `kit`). Reached are the rendered
 * variants of the projects in campaigns that use the kit now, and those rendered with it; for a
 * campaign, every rendered variant of its projects. Sent after the change committed; a failure is
 * logged, not the request's: the change stands, and pages read `stale` again when opened.
 */
export async function announceKitChange(
  deps: { sql: Sql; emitter?: JobEmitter; log: Logger },
  changed: { kitId: string } | { campaignId: string },
): Promise<void> {
  const { sql, emitter } = deps;
  if (!emitter) return;
  try {
    const reach =
      'kitId' in changed
        ? sql`(c.brand_kit_id = ${changed.kitId} or v.brand_kit_id = ${changed.kitId})`
        : sql`c.id = ${changed.campaignId}`;
    const rows = await sql<{ project_id: string; ids: string[] }[]>`
      select v.project_id, array_agg(v.id order by v.created_at desc) as ids
      from (
        select v.id, v.project_id, v.created_at from variants v
        join projects p on p.id = v.project_id and p.deleted_at is null
        join campaigns c on c.id = p.campaign_id
        where v.status = 'ready' and ${reach}
        order by v.created_at desc
        limit ${MAX_ANNOUNCED_VARIANTS}
      ) v
      group by v.project_id`;
    for (const r of rows) emitVariantChanged(emitter, r.project_id, r.ids, 'kit', true);
  } catch (err) {
    deps.log.warn({ err, ...changed }, 'could not announce a brand kit change to open pages');
  }
}
