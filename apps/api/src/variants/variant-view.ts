import type { VariantRow as StoredVariantRow } from '@clapboard/server/campaigns';
import type { Sql } from '@clapboard/server/db';
import type { Variant } from '@clapboard/shared/campaigns';
import type { AspectRatio } from '@clapboard/shared/document';
import type { Role } from '@clapboard/shared/roles';
import { signAssetUrl } from '../assets/signed-url';

/** A `variants` row as the API selects it (`variantColumns`): the stored row with what it computes. */
export interface VariantRow
  extends Omit<StoredVariantRow, 'aspect_ratio' | 'status' | 'cost_usd' | 'created_by' | 'updated_at'> {
  aspect_ratio: AspectRatio;
  status: Variant['status'];
  cost_usd: number;
  stale: boolean;
  cursor_ts: string;
  approval: {
    status: 'approved' | 'changes_requested';
    note: string | null;
    byId: string | null;
    byName: string | null;
    role: Role;
    at: string;
  } | null;
}

/**
 * The columns of `variants v` as the API shows them: whether the campaign's brand kit changed
 * since the render (another kit, or a newer revision of the same: `stale`), and the newest
 * decision on it. One select for lists and single reads.
 */
export const variantColumns = (sql: Sql) => sql`
  v.id, v.project_id, v.job_id, v.key, v.label, v.aspect_ratio, v.duration_sec, v.status,
  v.video_asset_id, v.poster_asset_id, v.brand_kit_id, v.brand_kit_revision, v.cost_usd,
  v.created_at, v.created_at::text as cursor_ts,
  (v.status = 'ready' and (
    v.brand_kit_id is distinct from c.brand_kit_id
    or (k.id is not null and v.brand_kit_revision is distinct from k.revision))) as stale,
  (select json_build_object('status', a.status, 'note', a.note, 'byId', a.reviewer_id, 'byName', u.name,
      'role', a.reviewer_role, 'at', to_char(a.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
    from variant_approvals a left join users u on u.id = a.reviewer_id
    where a.variant_id = v.id order by a.created_at desc, a.id desc limit 1) as approval
  from variants v
  join projects p on p.id = v.project_id
  left join campaigns c on c.id = p.campaign_id
  left join brand_kits k on k.id = c.brand_kit_id and k.deleted_at is null`;

/** Signing options for the variant's download links (as assets' `toAsset`). */
export interface VariantUrlOptions {
  secret: string;
  publicUrl: string;
  ttlSec: number;
  now?: number;
}

/** A row as the API shape, with signed links to its video and poster once rendered. */
export async function toVariant(r: VariantRow, o: VariantUrlOptions): Promise<Variant> {
  const step = Math.max(60, Math.floor(o.ttlSec / 4));
  const exp = Math.ceil((Math.floor((o.now ?? Date.now()) / 1000) + o.ttlSec) / step) * step;
  return {
    id: r.id,
    projectId: r.project_id,
    jobId: r.job_id,
    key: r.key,
    label: r.label,
    aspectRatio: r.aspect_ratio,
    durationSec: Number(r.duration_sec),
    status: r.status,
    videoAssetId: r.video_asset_id,
    posterAssetId: r.poster_asset_id,
    brandKitId: r.brand_kit_id,
    brandKitRevision: r.brand_kit_revision,
    stale: r.stale,
    costUsd: Number(r.cost_usd),
    approval: r.approval
      ? {
          status: r.approval.status,
          note: r.approval.note,
          by: { id: r.approval.byId, name: r.approval.byName ?? 'former member' },
          role: r.approval.role,
          at: r.approval.at,
          stale: r.stale,
        }
      : null,
    urls:
      r.status === 'ready' && r.video_asset_id
        ? {
            video: await signAssetUrl(o.secret, o.publicUrl, r.video_asset_id, 'content', exp),
            poster: r.poster_asset_id
              ? await signAssetUrl(o.secret, o.publicUrl, r.poster_asset_id, 'content', exp)
              : null,
            expiresAt: new Date(exp * 1000).toISOString(),
          }
        : null,
    createdAt: r.created_at.toISOString(),
  };
}
