import { Readable } from 'node:stream';
import type { Sql } from '@clapboard/server/db';
import { API_PREFIX } from '@clapboard/shared/api';
import {
  bulkDownloadBodySchema,
  clientParamsSchema,
  type GalleryItem,
  galleryPageSchema,
  galleryQuerySchema,
} from '@clapboard/shared/campaigns';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import yazl from 'yazl';
import type { AppDeps } from '../app';
import type { AppEnv } from '../app-env';
import { signAssetUrl } from '../assets/signed-url';
import { writeAudit } from '../audit/write-audit';
import { authorizeCampaign, authorizeClient } from '../auth/authorize-org';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { requireUser } from '../auth/require-user';
import { HttpError, payloadTooLarge } from '../errors/http-error';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { DEFAULT_ASSET_URL_TTL_SEC } from './assets';
import { bearerSecurity, createRouter, jsonBody, jsonResponse } from './create-router';
import { errorsFor } from './error-responses';

/** Largest bulk download, in bytes of the files it holds. */
export const MAX_BULK_DOWNLOAD_BYTES = 2 * 1024 ** 3;

type ItemRow = {
  asset_id: string;
  kind: GalleryItem['kind'];
  name: string;
  project_id: string;
  project_name: string;
  campaign_id: string;
  campaign_name: string;
  job_id: string | null;
  variant_id: string | null;
  variant_key: string | null;
  variant_label: string | null;
  status: string;
  approval: 'approved' | 'changes_requested' | null;
  cost_usd: number | null;
  bytes: number;
  has_thumbnail: boolean;
  /** The picture that stands for a video: the variant's poster, or the poster its job delivered with it. */
  poster_asset_id: string | null;
  created_at: Date;
  cursor_ts: string;
  storage_key: string;
  mime: string;
};

/**
 * Every output of the campaigns' jobs in the projects the caller holds a staff role on, with its
 * status, variant, decision and cost. Outputs are what a person asks a job for, found by where the
 * job or its step says it put them: platform variants (a variant's film), renders (a video among
 * its job's outputs), frames (a step's `frame`) and audio (a step's `voice` or `music`). What a job
 * makes on the way (shot and transition pieces, brand cards) and what belongs to an output (its
 * poster, strip, subtitles) is not listed; a poster is its video's thumbnail instead.
 * `scope` is a client or a campaign.
 */
function galleryRows(sql: Sql, userId: string, scope: { clientId?: string; campaignId?: string }) {
  return sql`
    select a.id as asset_id, a.original_name as name, a.byte_size as bytes, a.thumbnail_key is not null as has_thumbnail,
      a.created_at, a.created_at::text as cursor_ts, a.storage_key, a.mime,
      p.id as project_id, p.name as project_name, c.id as campaign_id, c.name as campaign_name,
      a.job_id, v.id as variant_id, v.key as variant_key, v.label as variant_label,
      case when v.id is not null then 'variant' when a.kind = 'video' then 'render'
           when a.kind = 'audio' then 'audio' else 'frame' end as kind,
      coalesce(v.status, j.status, 'ready') as status,
      (select va.status from variant_approvals va where va.variant_id = v.id
         order by va.created_at desc, va.id desc limit 1) as approval,
      coalesce(v.cost_usd, j.cost_actual_usd) as cost_usd,
      case when v.id is not null then v.poster_asset_id
           when a.kind = 'video' then (select (o->>'assetId')::uuid from jsonb_array_elements(j.outputs) o
                                       where o->>'name' = 'poster' limit 1) end as poster_asset_id
    from assets a
    join projects p on p.id = a.project_id and p.deleted_at is null
    join campaigns c on c.id = p.campaign_id and c.deleted_at is null
    join effective_project_roles m on m.project_id = p.id and m.user_id = ${userId} and m.role <> 'guest'
    left join jobs j on j.id = a.job_id
    left join variants v on v.video_asset_id = a.id
    where a.source = 'job' and a.deleted_at is null and a.kind in ('image', 'video', 'audio')
      and (v.id is not null
        or (a.kind = 'video' and j.outputs @> jsonb_build_array(jsonb_build_object('assetId', a.id::text)))
        or exists (
          select 1 from job_steps s, jsonb_array_elements(s.outputs) o
          where s.job_id = a.job_id and o->>'assetId' = a.id::text
            and o->>'name' = any (case a.kind when 'image' then array['frame'] when 'audio' then array['voice', 'music'] end)))
      ${scope.clientId ? sql`and c.client_id = ${scope.clientId}` : sql``}
      ${scope.campaignId ? sql`and c.id = ${scope.campaignId}` : sql``}`;
}

/**
 * The gallery of a client or a campaign: every output with filters and cursor pages, and a bulk
 * download of chosen outputs as one zip (streamed, stored without recompression).
 */
export function galleryRoutes(deps: AppDeps) {
  const { sql, blobStore } = deps;
  const auth = requireUser(deps);
  const ipOf = (c: Context<AppEnv>) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);
  const ttlSec = deps.assetUrlTtlSec ?? DEFAULT_ASSET_URL_TTL_SEC;

  const toItem = async (r: ItemRow, exp: number): Promise<GalleryItem> => ({
    assetId: r.asset_id,
    kind: r.kind,
    name: r.name,
    projectId: r.project_id,
    projectName: r.project_name,
    campaignId: r.campaign_id,
    campaignName: r.campaign_name,
    jobId: r.job_id,
    variant: r.variant_id ? { id: r.variant_id, key: r.variant_key!, label: r.variant_label! } : null,
    status: r.status,
    approval: r.approval,
    costUsd: r.cost_usd === null ? null : Number(r.cost_usd),
    bytes: Number(r.bytes),
    // Its stored thumbnail; else a video's poster, an image itself; audio has no picture.
    thumbnailUrl: r.has_thumbnail
      ? await signAssetUrl(deps.jwtSecret, deps.publicUrl, r.asset_id, 'thumbnail', exp)
      : r.poster_asset_id
        ? await signAssetUrl(deps.jwtSecret, deps.publicUrl, r.poster_asset_id, 'content', exp)
        : r.kind === 'frame'
          ? await signAssetUrl(deps.jwtSecret, deps.publicUrl, r.asset_id, 'content', exp)
          : null,
    downloadUrl: await signAssetUrl(deps.jwtSecret, deps.publicUrl, r.asset_id, 'content', exp),
    createdAt: r.created_at.toISOString(),
  });

  const listPage = async (
    userId: string,
    scope: { clientId?: string; campaignId?: string },
    q: z.infer<typeof galleryQuerySchema>,
  ) => {
    const after = decodeCursor(q.cursor);
    const rows = await sql<ItemRow[]>`
      select * from (${galleryRows(sql, userId, scope)}) x
      where true
        ${q.campaignId ? sql`and x.campaign_id = ${q.campaignId}` : sql``}
        ${q.kind ? sql`and x.kind = ${q.kind}` : sql``}
        ${q.approval === 'pending' ? sql`and x.kind = 'variant' and x.approval is null` : sql``}
        ${q.approval && q.approval !== 'pending' ? sql`and x.approval = ${q.approval}` : sql``}
        ${q.variant ? sql`and x.variant_key = ${q.variant}` : sql``}
        ${after ? sql`and (x.created_at, x.asset_id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : sql``}
      order by x.created_at desc, x.asset_id desc limit ${q.limit + 1}`;
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    const step = Math.max(60, Math.floor(ttlSec / 4));
    const exp = Math.ceil((Math.floor(Date.now() / 1000) + ttlSec) / step) * step;
    return {
      items: await Promise.all(page.map((r) => toItem(r, exp))),
      nextCursor:
        rows.length > q.limit && last ? encodeCursor({ createdAt: last.cursor_ts, id: last.asset_id }) : null,
    };
  };

  const campaignParams = z.object({ id: z.string().uuid() });
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/clients/{id}/gallery`,
        tags: ['gallery'],
        summary:
          "Every output of the client's campaigns: frames, renders, variants, audio (the client's staff)",
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: clientParamsSchema, query: galleryQuerySchema },
        responses: {
          200: jsonResponse(galleryPageSchema, 'A page of outputs'),
          ...errorsFor(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await authorizeClient(sql, id, currentUserId(c), 'gallery:read');
        return c.json(await listPage(currentUserId(c), { clientId: id }, c.req.valid('query')), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/campaigns/{id}/gallery`,
        tags: ['gallery'],
        summary: "Every output of one campaign's projects (the campaign's staff)",
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: campaignParams, query: galleryQuerySchema.omit({ campaignId: true }) },
        responses: {
          200: jsonResponse(galleryPageSchema, 'A page of outputs'),
          ...errorsFor(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await authorizeCampaign(sql, id, currentUserId(c), 'gallery:read');
        return c.json(await listPage(currentUserId(c), { campaignId: id }, c.req.valid('query')), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: `${API_PREFIX}/clients/{id}/gallery/download`,
        tags: ['gallery'],
        summary: 'Download chosen outputs as one zip (staff; at most 200 files, 2 GiB)',
        description:
          'Every id must be an output in the gallery as you see it (else 404 naming the missing ids). Files are stored in the zip as they are (media is already compressed), under `<campaign>/<project>/`.',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: clientParamsSchema, ...jsonBody(bulkDownloadBodySchema) },
        responses: {
          200: {
            description: 'The zip',
            content: { 'application/zip': { schema: z.string().openapi({ format: 'binary' }) } },
          },
          ...errorsFor(400, 401, 403, 404, 413),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { assetIds } = c.req.valid('json');
        const userId = currentUserId(c);
        await authorizeClient(sql, id, userId, 'gallery:read');
        const wanted = [...new Set(assetIds)];
        const rows = await sql<ItemRow[]>`
          select * from (${galleryRows(sql, userId, { clientId: id })}) x where x.asset_id in ${sql(wanted)}
          order by x.campaign_name, x.project_name, x.created_at`;
        const missing = wanted.filter((w) => !rows.some((r) => r.asset_id === w));
        if (missing.length)
          throw new HttpError(404, 'not_found', 'Some outputs are not in this gallery.', {
            assetIds: missing,
          });
        const total = rows.reduce((s, r) => s + Number(r.bytes), 0);
        if (total > MAX_BULK_DOWNLOAD_BYTES)
          throw payloadTooLarge(
            `The chosen files hold ${total} bytes; a bulk download may hold at most ${MAX_BULK_DOWNLOAD_BYTES}.`,
          );
        await writeAudit(sql, {
          projectId: null,
          actorId: userId,
          action: 'gallery.download',
          targetType: 'client',
          targetId: id,
          details: { files: rows.length, bytes: total },
          ip: ipOf(c),
        });
        const zip = new yazl.ZipFile();
        const used = new Set<string>();
        const clean = (s: string) =>
          s
            .replace(/[^\w. -]+/g, '-')
            .replace(/^[.-]+/, '')
            .slice(0, 80) || 'untitled';
        for (const r of rows) {
          let path = `${clean(r.campaign_name)}/${clean(r.project_name)}/${clean(r.variant_key ? `${r.variant_key}-${r.name}` : r.name)}`;
          for (let n = 2; used.has(path); n++) path = path.replace(/(\.[^./]+)?$/, (ext) => `-${n}${ext}`);
          used.add(path);
          zip.addReadStreamLazy(path, { compress: false, mtime: r.created_at }, (cb) => {
            blobStore
              .get(r.storage_key)
              .then((o) => {
                if (!o) throw new Error(`The stored file of ${r.name} is missing.`);
                cb(null, Readable.fromWeb(o.body as never));
              })
              .catch((err: Error) => cb(err, null as never));
          });
        }
        zip.end();
        const body = Readable.toWeb(zip.outputStream as Readable) as unknown as ReadableStream<Uint8Array>;
        return c.body(body, 200, {
          'content-type': 'application/zip',
          'content-disposition': `attachment; filename="gallery-${new Date().toISOString().slice(0, 10)}.zip"`,
          'cache-control': 'no-store',
        });
      },
    );
}
