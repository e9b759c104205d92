import type { BrandSnapshot, VariantJobEntry } from '@clapboard/shared/campaigns';
import type { JobOutput } from '@clapboard/shared/jobs';
import { variantVideoValueSchema } from '@clapboard/shared/render-result';
import type { Sql } from '../db/connect-db';

/**
 * The variant store: the only code that writes `variants` rows (their review lives in
 * `variant_approvals` and `variant_comments`). A row is created with its `render.variants` job (in
 * the job's transaction), settled when the job ends (from `finishJob`, in the same transaction
 * as the job's own end) and set rendering again when the job is retried.
 */

/** A `variants` row as postgres.js returns it. */
export interface VariantRow {
  id: string;
  project_id: string;
  job_id: string;
  key: string;
  label: string;
  aspect_ratio: string;
  duration_sec: number;
  status: 'rendering' | 'ready' | 'failed' | 'cancelled';
  video_asset_id: string | null;
  poster_asset_id: string | null;
  brand_kit_id: string | null;
  brand_kit_revision: number | null;
  cost_usd: string | number;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/**
 * Inserts the rows of a new `render.variants` job (status rendering), with the brand kit and
 * revision the job pinned. Call inside the job's insert transaction.
 */
export async function insertVariants(
  tx: Sql,
  o: {
    projectId: string;
    jobId: string;
    userId: string;
    variants: readonly VariantJobEntry[];
    brand: Pick<BrandSnapshot, 'kitId' | 'revision'> | null;
  },
): Promise<VariantRow[]> {
  const rows = o.variants.map((v) => ({
    id: v.variantId,
    project_id: o.projectId,
    job_id: o.jobId,
    key: v.key,
    label: v.label,
    aspect_ratio: v.aspectRatio,
    duration_sec: v.durationSec,
    brand_kit_id: o.brand?.kitId ?? null,
    brand_kit_revision: o.brand?.revision ?? null,
    created_by: o.userId,
  }));
  return tx<VariantRow[]>`insert into variants ${tx(rows)} returning *`;
}

/**
 * Settles a `render.variants` job's rows as it ends: completed → each variant with a video output
 * is `ready` with its video and poster (one the job did not make is `failed`); failed and
 * cancelled → every row still rendering takes that status. Each row's cost is its share of the
 * job's actual cost, in proportion to its seconds of video (its preset's length until rendered).
 * Returns the ids of the rows it settled.
 */
export async function settleVariants(
  tx: Sql,
  job: { id: string; cost_actual_usd: number | string },
  outcome: { status: 'completed' | 'failed' | 'cancelled'; outputs: readonly JobOutput[] },
): Promise<string[]> {
  const rows = await tx<VariantRow[]>`select * from variants where job_id = ${job.id} for update`;
  if (!rows.length) return [];
  // Outputs name their variant by key (unique within the job).
  const made = new Map<string, { video: string; poster: string; sec: number }>();
  for (const o of outcome.outputs) {
    const value = variantVideoValueSchema.safeParse(o.value);
    if (o.assetId && value.success)
      made.set(value.data.key, {
        video: o.assetId,
        poster: value.data.posterAssetId,
        sec: value.data.durationSec,
      });
  }
  const seconds = rows.map((r) => made.get(r.key)?.sec ?? Number(r.duration_sec));
  const all = seconds.reduce((s, x) => s + x, 0) || 1;
  const cost = Number(job.cost_actual_usd) || 0;
  const updates = rows.map((r, i) => {
    const out = made.get(r.key);
    const status =
      outcome.status === 'completed'
        ? out
          ? 'ready'
          : 'failed'
        : r.status === 'rendering'
          ? outcome.status
          : r.status;
    return {
      id: r.id,
      status,
      video: out?.video ?? null,
      poster: out?.poster ?? null,
      cost: Math.round(((cost * seconds[i]!) / all) * 1e6) / 1e6,
    };
  });
  await tx`
    update variants v set status = u.status, video_asset_id = coalesce(u.video::uuid, v.video_asset_id),
      poster_asset_id = coalesce(u.poster::uuid, v.poster_asset_id), cost_usd = u.cost::numeric, updated_at = now()
    from jsonb_to_recordset(${tx.json(updates as never)}) as u(id uuid, status text, video text, poster text, cost float8)
    where v.id = u.id`;
  return rows.map((r) => r.id);
}

/** A retried job's rows render again: back to `rendering`, their previous outputs cleared. */
export async function restartVariants(tx: Sql, jobId: string): Promise<void> {
  await tx`
    update variants set status = 'rendering', video_asset_id = null, poster_asset_id = null, updated_at = now()
    where job_id = ${jobId}`;
}
