import type { Queryable } from '@clapboard/server/db';
import { readBounded } from '@clapboard/server/read-bounded';
import { bytesStream } from '@clapboard/server/storage';
import { API_PREFIX } from '@clapboard/shared/api';
import {
  type BrandKit,
  type BrandKitChangedDetails,
  type BrandKitStyle,
  brandFontParamsSchema,
  brandFontSchema,
  brandKitListSchema,
  brandKitParamsSchema,
  brandKitSchema,
  brandKitStyleSchema,
  createBrandKitBodySchema,
  type FontFormat,
  listBrandKitsQuerySchema,
  MAX_FONT_BYTES,
  MAX_LOGO_BYTES,
  updateBrandKitBodySchema,
} from '@clapboard/shared/campaigns';
import { staleLeaves, unknownLeaves } from '@clapboard/shared/field-merge';
import type { Permission } from '@clapboard/shared/permissions';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../app';
import type { AppEnv } from '../app-env';
import { writeAudit } from '../audit/write-audit';
import { authorizeClient } from '../auth/authorize-org';
import { clientIp } from '../auth/client-ip';
import { currentUserId } from '../auth/current-user';
import { requireUser } from '../auth/require-user';
import { FontFileError, readFontFile } from '../brand-kits/read-font-file';
import { LogoFileError, readLogoFile } from '../brand-kits/read-logo-file';
import {
  badRequest,
  conflict,
  HttpError,
  notFound,
  payloadTooLarge,
  unprocessable,
} from '../errors/http-error';
import { ProbeError } from '../media/media-probe';
import { announceKitChange } from '../variants/announce-kit-change';
import { bearerSecurity, createRouter, jsonBody, jsonResponse } from './create-router';
import { errorResponses, errorsFor } from './error-responses';

/** Fonts one kit may hold. */
export const MAX_KIT_FONTS = 12;

type KitRow = {
  id: string;
  client_id: string;
  name: string;
  style: unknown;
  revision: number;
  logo_key: string | null;
  logo_format: 'svg' | 'png' | null;
  logo_width: number | null;
  logo_height: number | null;
  logo_bytes: number | null;
  created_at: Date;
  updated_at: Date;
  fonts: {
    id: string;
    family: string;
    style: string;
    format: FontFormat;
    bytes: number;
    createdAt: string;
  }[];
};

const toKit = (r: KitRow): BrandKit => ({
  ...brandKitStyleSchema.parse(r.style),
  id: r.id,
  clientId: r.client_id,
  name: r.name,
  revision: r.revision,
  logo:
    r.logo_key && r.logo_format
      ? {
          format: r.logo_format,
          width: r.logo_width ?? 0,
          height: r.logo_height ?? 0,
          bytes: r.logo_bytes ?? 0,
        }
      : null,
  fonts: r.fonts,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/**
 * Runs a kit file check: a file that is not of the kind at all is a 415, one that is but fails its
 * checks a 422 with the reason.
 */
function checkedFile<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof LogoFileError || err instanceof FontFileError)
      throw err.reason === 'not_a_logo' || err.reason === 'not_a_font'
        ? new HttpError(415, 'unsupported_media_type', err.message)
        : unprocessable(err.message, { reason: err.reason });
    throw err;
  }
}

const FONT_MIME: Record<FontFormat, string> = { ttf: 'font/ttf', otf: 'font/otf', woff2: 'font/woff2' };

/**
 * Brand kits of a client: palette, fonts (uploaded TTF/OTF/WOFF2, validated by parsing them),
 * logo (SVG or PNG, validated), caption style, intro/outro cards, lower third, default voice,
 * music mood and the brand's writing rules. Renders of a campaign apply its kit; every change
 * raises the kit's `revision`, and variants rendered with an older one show as stale.
 */
export function brandKitRoutes(deps: AppDeps) {
  const { sql, blobStore } = deps;
  const auth = requireUser(deps);
  const ipOf = (c: Context<AppEnv>) => clientIp(c, deps.peerAddress, deps.trustProxy ?? false);
  const kitSelect = (where: ReturnType<typeof sql>, q: Queryable = sql) => q<KitRow[]>`
    select k.*, coalesce((
      select json_agg(json_build_object('id', f.id, 'family', f.family, 'style', f.style, 'format', f.format,
        'bytes', f.byte_size, 'createdAt', to_char(f.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
        order by f.created_at, f.id)
      from brand_kit_fonts f where f.kit_id = k.id), '[]'::json) as fonts
    from brand_kits k where k.deleted_at is null and ${where}`;
  const loadKit = async (id: string, q: Queryable = sql) => {
    const [row] = await kitSelect(sql`k.id = ${id}`, q);
    if (!row) throw notFound('Brand kit');
    return toKit(row);
  };
  /** The live kit and the caller's permission on its client; no role → 404. */
  const authorizeKit = async (id: string, userId: string, permission: Permission) => {
    const [kit] = await sql<{ client_id: string }[]>`
      select client_id from brand_kits where id = ${id} and deleted_at is null`;
    if (!kit) throw notFound('Brand kit');
    try {
      await authorizeClient(sql, kit.client_id, userId, permission);
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) throw notFound('Brand kit');
      throw err;
    }
    return kit.client_id;
  };
  const audit = (
    c: Context<AppEnv>,
    tx: Queryable,
    action: string,
    id: string,
    details: Record<string, unknown> = {},
  ) =>
    writeAudit(tx, {
      projectId: null,
      actorId: currentUserId(c),
      action,
      targetType: 'brand_kit',
      targetId: id,
      details,
      ip: ipOf(c),
    });
  /** Font ids the style names must be fonts of the kit. */
  const checkFontRefs = async (tx: Queryable, kitId: string | null, style: Partial<BrandKitStyle>) => {
    const ids = [style.headingFontId, style.captionStyle?.fontId].filter((x): x is string => !!x);
    if (!ids.length) return;
    const found = kitId
      ? await tx<
          { id: string }[]
        >`select id from brand_kit_fonts where kit_id = ${kitId} and id in ${sql(ids)}`
      : [];
    const missing = ids.filter((id) => !found.some((f) => f.id === id));
    if (missing.length)
      throw badRequest('A font the style names is not one of this kit’s fonts.', { fontIds: missing });
  };
  const readBody = async (c: Context<AppEnv>, max: number, what: string) => {
    const declared = Number(c.req.header('content-length') ?? Number.NaN);
    if (declared > max) throw payloadTooLarge(`A ${what} may be at most ${max} bytes.`);
    if (!c.req.raw.body) throw badRequest(`Send the ${what} file as the request body.`);
    const bytes = await readBounded(c.req.raw.body, max, () =>
      payloadTooLarge(`A ${what} may be at most ${max} bytes.`),
    );
    if (!bytes.length) throw badRequest(`The ${what} file is empty.`);
    return bytes;
  };
  const idParams = brandKitParamsSchema;

  return createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: `${API_PREFIX}/brand-kits`,
        tags: ['brand-kits'],
        summary: "Create a brand kit for a client (the client's owners and editors)",
        middleware: [auth] as const,
        security: bearerSecurity,
        request: jsonBody(createBrandKitBodySchema),
        responses: { 201: jsonResponse(brandKitSchema, 'Created'), ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { clientId, name, ...style } = c.req.valid('json');
        const userId = currentUserId(c);
        await authorizeClient(sql, clientId, userId, 'brandkits:write');
        // A new kit has no fonts yet, so it names none.
        await checkFontRefs(sql, null, style);
        const full = brandKitStyleSchema.parse(style);
        const id = await sql.begin(async (tx) => {
          const [k] = await tx<{ id: string }[]>`
            insert into brand_kits (client_id, name, style, created_by)
            values (${clientId}, ${name}, ${tx.json(full as never)}, ${userId}) returning id`;
          await audit(c, tx, 'brand_kit.create', k!.id, { clientId, name });
          return k!.id;
        });
        return c.json(await loadKit(id), 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/brand-kits`,
        tags: ['brand-kits'],
        summary: "A client's brand kits (staff of the client)",
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { query: listBrandKitsQuerySchema },
        responses: { 200: jsonResponse(brandKitListSchema, 'Kits'), ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { clientId } = c.req.valid('query');
        await authorizeClient(sql, clientId, currentUserId(c), 'brandkits:read');
        const rows = await kitSelect(sql`k.client_id = ${clientId} order by k.created_at desc, k.id desc`);
        return c.json({ items: rows.map(toKit) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/brand-kits/{id}`,
        tags: ['brand-kits'],
        summary: 'One brand kit',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: idParams },
        responses: { 200: jsonResponse(brandKitSchema, 'The kit'), ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await authorizeKit(id, currentUserId(c), 'brandkits:read');
        return c.json(await loadKit(id), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: `${API_PREFIX}/brand-kits/{id}`,
        tags: ['brand-kits'],
        summary:
          'Change a brand kit (owners, editors); its revision rises and renders made with it show as stale',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: idParams, ...jsonBody(updateBrandKitBodySchema) },
        responses: {
          200: jsonResponse(brandKitSchema, 'Updated'),
          409: {
            ...errorResponses[409],
            description:
              'A field in `base` has changed since the caller read it: `details.fields` names them (`palette.accent`), `details.current` is the kit now; nothing was written',
          },
          ...errorsFor(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { name, base } = c.req.valid('json');
        // Merge what was sent, not the defaults the schema fills in for what was not: the body
        // passed validation above, and the merged style is parsed again below.
        const { name: _name, base: _base, ...patch } = (await c.req.json()) as Record<string, unknown>;
        await authorizeKit(id, currentUserId(c), 'brandkits:write');
        const restyled = await sql.begin(async (tx) => {
          const [row] = await tx<
            { style: unknown; name: string }[]
          >`select style, name from brand_kits where id = ${id} for update`;
          await checkFontRefs(tx, id, patch as Partial<BrandKitStyle>);
          const before = brandKitStyleSchema.parse(row!.style);
          if (base && Object.keys(base).length > 0) {
            const read = { ...before, name: row!.name };
            const unknown = unknownLeaves(read, base);
            if (unknown.length > 0)
              throw badRequest(`"base" names no field of a brand kit: ${unknown.join(', ')}.`);
            const changed = staleLeaves(read, base);
            if (changed.length > 0) {
              const details: BrandKitChangedDetails = { fields: changed, current: await loadKit(id, tx) };
              throw conflict(
                `Someone changed ${changed.length === 1 ? 'this setting' : 'these settings'} of the brand kit since you opened it: ${changed.join(', ')}. Nothing was saved; keep your version or take theirs, then save again.`,
                details,
              );
            }
          }
          // Nested objects merge field by field, so a PATCH of one caption setting keeps the rest.
          const merged = brandKitStyleSchema.parse(
            Object.fromEntries(
              Object.entries(before).map(([k, v]) => {
                const p = patch[k];
                if (p === undefined) return [k, v];
                return [
                  k,
                  v && typeof v === 'object' && !Array.isArray(v) && p && typeof p === 'object'
                    ? { ...v, ...p }
                    : p,
                ];
              }),
            ),
          );
          const styleChanged = JSON.stringify(merged) !== JSON.stringify(before);
          await tx`
            update brand_kits set name = coalesce(${name ?? null}, name), style = ${tx.json(merged as never)},
              revision = revision + ${styleChanged ? 1 : 0}, updated_at = now()
            where id = ${id}`;
          await audit(c, tx, 'brand_kit.update', id, { fields: Object.keys(patch), name: name ?? undefined });
          return styleChanged;
        });
        if (restyled) await announceKitChange(deps, { kitId: id });
        return c.json(await loadKit(id), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: `${API_PREFIX}/brand-kits/{id}`,
        tags: ['brand-kits'],
        summary: 'Delete a brand kit (owners, editors); campaigns using it render without one',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: idParams },
        responses: { 204: { description: 'Deleted' }, ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await authorizeKit(id, currentUserId(c), 'brandkits:write');
        await sql.begin(async (tx) => {
          await tx`update campaigns set brand_kit_id = null where brand_kit_id = ${id}`;
          await tx`update brand_kits set deleted_at = now() where id = ${id}`;
          await audit(c, tx, 'brand_kit.delete', id);
        });
        await announceKitChange(deps, { kitId: id });
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({
        method: 'put',
        path: `${API_PREFIX}/brand-kits/{id}/logo`,
        tags: ['brand-kits'],
        summary: 'Set the kit’s logo: an SVG or PNG file as the request body (owners, editors)',
        description: `At most ${MAX_LOGO_BYTES} bytes. SVGs must be self-contained (no scripts, event handlers, entities or outside references) and have a size (viewBox or width/height); PNGs are decoded to check them. Sides up to 4096 px.`,
        middleware: [auth] as const,
        security: bearerSecurity,
        request: {
          params: idParams,
          body: {
            required: true,
            content: {
              'image/svg+xml': { schema: z.string() },
              'image/png': { schema: z.string().openapi({ format: 'binary' }) },
            },
          },
        },
        responses: {
          200: jsonResponse(brandKitSchema, 'Updated'),
          ...errorsFor(400, 401, 403, 404, 413, 415, 422),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await authorizeKit(id, currentUserId(c), 'brandkits:write');
        const bytes = await readBody(c, MAX_LOGO_BYTES, 'logo');
        const info = checkedFile(() => readLogoFile(bytes));
        const key = `brand-kits/${id}/logo-${crypto.randomUUID()}.${info.format}`;
        await blobStore.put(key, bytesStream(bytes), { contentType: info.mime });
        try {
          // A PNG is decoded in full (a header alone can lie); an SVG was checked as text.
          if (info.format === 'png')
            await deps.probe.probe({
              kind: 'image',
              mime: info.mime,
              key,
              maxImagePixels: 4096 * 4096,
              open: async () => (await blobStore.get(key))!.body,
            });
          const old = await sql.begin(async (tx) => {
            const [prev] = await tx<
              { logo_key: string | null }[]
            >`select logo_key from brand_kits where id = ${id} for update`;
            await tx`
              update brand_kits set logo_key = ${key}, logo_format = ${info.format}, logo_width = ${info.width},
                logo_height = ${info.height}, logo_bytes = ${bytes.length}, revision = revision + 1, updated_at = now()
              where id = ${id}`;
            await audit(c, tx, 'brand_kit.logo_set', id, { format: info.format, bytes: bytes.length });
            return prev?.logo_key ?? null;
          });
          if (old) await blobStore.delete(old);
        } catch (err) {
          await blobStore.delete(key);
          if (err instanceof ProbeError)
            throw unprocessable(`The PNG cannot be decoded: ${err.message}`, { reason: err.reason });
          throw err;
        }
        await announceKitChange(deps, { kitId: id });
        return c.json(await loadKit(id), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${API_PREFIX}/brand-kits/{id}/logo`,
        tags: ['brand-kits'],
        summary: 'The kit’s logo file',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: idParams },
        responses: {
          200: {
            description: 'The logo',
            content: { 'image/svg+xml': { schema: z.string() }, 'image/png': { schema: z.string() } },
          },
          ...errorsFor(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await authorizeKit(id, currentUserId(c), 'brandkits:read');
        const [kit] = await sql<{ logo_key: string | null; logo_format: string | null }[]>`
          select logo_key, logo_format from brand_kits where id = ${id}`;
        const object = kit?.logo_key ? await blobStore.get(kit.logo_key) : null;
        if (!object) throw notFound('Logo');
        return c.body(object.body, 200, {
          'content-type': kit!.logo_format === 'svg' ? 'image/svg+xml' : 'image/png',
          'cache-control': 'private, max-age=300',
          // An SVG opened on its own may not run anything even if a check were ever missed.
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
          'x-content-type-options': 'nosniff',
        });
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: `${API_PREFIX}/brand-kits/{id}/logo`,
        tags: ['brand-kits'],
        summary: 'Remove the kit’s logo (owners, editors)',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: idParams },
        responses: { 200: jsonResponse(brandKitSchema, 'Updated'), ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await authorizeKit(id, currentUserId(c), 'brandkits:write');
        const old = await sql.begin(async (tx) => {
          const [prev] = await tx<
            { logo_key: string | null }[]
          >`select logo_key from brand_kits where id = ${id} for update`;
          if (!prev?.logo_key) return null;
          await tx`
            update brand_kits set logo_key = null, logo_format = null, logo_width = null, logo_height = null,
              logo_bytes = null, revision = revision + 1, updated_at = now()
            where id = ${id}`;
          await audit(c, tx, 'brand_kit.logo_remove', id);
          return prev.logo_key;
        });
        if (old) {
          await blobStore.delete(old);
          await announceKitChange(deps, { kitId: id });
        }
        return c.json(await loadKit(id), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: `${API_PREFIX}/brand-kits/{id}/fonts`,
        tags: ['brand-kits'],
        summary: 'Add a font to the kit: a TTF, OTF or WOFF2 file as the request body (owners, editors)',
        description: `At most ${MAX_FONT_BYTES} bytes and ${MAX_KIT_FONTS} fonts per kit. The file is parsed (tables, WOFF2's Brotli stream) and must name a family and draw basic Latin letters and digits; collections (.ttc) and WOFF 1 are refused.`,
        middleware: [auth] as const,
        security: bearerSecurity,
        request: {
          params: idParams,
          body: {
            required: true,
            content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
          },
        },
        responses: {
          201: jsonResponse(brandFontSchema, 'Added'),
          ...errorsFor(400, 401, 403, 404, 409, 413, 415, 422),
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        await authorizeKit(id, currentUserId(c), 'brandkits:write');
        const bytes = await readBody(c, MAX_FONT_BYTES, 'font');
        const info = checkedFile(() => readFontFile(bytes));
        const fontId = crypto.randomUUID();
        const key = `brand-kits/${id}/fonts/${fontId}.${info.format}`;
        const digest = new Uint8Array(
          await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>),
        );
        const sha256 = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
        await blobStore.put(key, bytesStream(bytes), { contentType: FONT_MIME[info.format] });
        try {
          await sql.begin(async (tx) => {
            await tx`select id from brand_kits where id = ${id} for update`;
            const [n] = await tx<{ n: number; same: boolean }[]>`
              select count(*)::int as n, coalesce(bool_or(sha256 = ${sha256}), false) as same
              from brand_kit_fonts where kit_id = ${id}`;
            if (n!.same) throw conflict('This font file is already in the kit.');
            if (n!.n >= MAX_KIT_FONTS)
              throw conflict(`A kit holds at most ${MAX_KIT_FONTS} fonts. Remove one first.`);
            await tx`
              insert into brand_kit_fonts (id, kit_id, family, style, format, storage_key, sha256, byte_size)
              values (${fontId}, ${id}, ${info.family}, ${info.style}, ${info.format}, ${key}, ${sha256}, ${bytes.length})`;
            await tx`update brand_kits set revision = revision + 1, updated_at = now() where id = ${id}`;
            await audit(c, tx, 'brand_kit.font_add', id, { fontId, family: info.family, style: info.style });
          });
        } catch (err) {
          await blobStore.delete(key);
          throw err;
        }
        await announceKitChange(deps, { kitId: id });
        const kit = await loadKit(id);
        return c.json(kit.fonts.find((f) => f.id === fontId)!, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: `${API_PREFIX}/brand-kits/{id}/fonts/{fontId}`,
        tags: ['brand-kits'],
        summary: 'Remove a font from the kit (owners, editors); styles using it fall back to the default',
        middleware: [auth] as const,
        security: bearerSecurity,
        request: { params: brandFontParamsSchema },
        responses: { 200: jsonResponse(brandKitSchema, 'Updated'), ...errorsFor(400, 401, 403, 404) },
      }),
      async (c) => {
        const { id, fontId } = c.req.valid('param');
        await authorizeKit(id, currentUserId(c), 'brandkits:write');
        const key = await sql.begin(async (tx) => {
          const [k] = await tx<
            { style: unknown }[]
          >`select style from brand_kits where id = ${id} for update`;
          const [f] = await tx<{ storage_key: string }[]>`
            delete from brand_kit_fonts where id = ${fontId} and kit_id = ${id} returning storage_key`;
          if (!f) throw notFound('Font');
          const style = brandKitStyleSchema.parse(k!.style);
          if (style.headingFontId === fontId) style.headingFontId = null;
          if (style.captionStyle.fontId === fontId) style.captionStyle.fontId = null;
          await tx`
            update brand_kits set style = ${tx.json(style as never)}, revision = revision + 1, updated_at = now()
            where id = ${id}`;
          await audit(c, tx, 'brand_kit.font_remove', id, { fontId });
          return f.storage_key;
        });
        await blobStore.delete(key);
        await announceKitChange(deps, { kitId: id });
        return c.json(await loadKit(id), 200);
      },
    );
}
