import { type BrandSnapshot, brandKitStyleSchema, brandSnapshotSchema } from '@clapboard/shared/campaigns';
import type { Sql } from '../db/connect-db';

/**
 * The brand kit of the project's campaign as a render pins it at submit (`BrandSnapshot`): the
 * style at the kit's current revision (parsed with `brandKitStyleSchema`, so defaults are filled
 * in), the logo's blob key, the fonts the style names, and the card texts with their defaults
 * (intro: the campaign's name; outro: the call to action of the project's latest brief). Null
 * when the project is in no campaign, the campaign has no kit, or the kit was deleted.
 *
 * A style naming a font the kit no longer has renders with the default font (the API keeps the
 * two in step; this only guards against a font deleted in between).
 */
export async function pinBrandKit(sql: Sql, projectId: string): Promise<BrandSnapshot | null> {
  const [kit] = await sql<
    {
      id: string;
      revision: number;
      style: unknown;
      logo_key: string | null;
      logo_format: 'svg' | 'png' | null;
      logo_width: number | null;
      logo_height: number | null;
      campaign_name: string;
      call_to_action: string | null;
    }[]
  >`
    select k.id, k.revision, k.style, k.logo_key, k.logo_format, k.logo_width, k.logo_height,
      c.name as campaign_name,
      (select b.fields ->> 'callToAction' from briefs b
        where b.project_id = p.id and b.deleted_at is null order by b.updated_at desc limit 1) as call_to_action
    from projects p
    join campaigns c on c.id = p.campaign_id and c.deleted_at is null
    join brand_kits k on k.id = c.brand_kit_id and k.deleted_at is null
    where p.id = ${projectId}`;
  if (!kit) return null;
  const style = brandKitStyleSchema.parse(kit.style ?? {});
  const wanted = [style.captionStyle.fontId, style.headingFontId].filter((id): id is string => !!id);
  const fonts = wanted.length
    ? await sql<
        { id: string; family: string; format: 'ttf' | 'otf' | 'woff2'; storage_key: string; sha256: string }[]
      >`
        select id, family, format, storage_key, sha256 from brand_kit_fonts
        where kit_id = ${kit.id} and id in ${sql([...new Set(wanted)])}`
    : [];
  return brandSnapshotSchema.parse({
    kitId: kit.id,
    revision: kit.revision,
    style: {
      ...style,
      // A font that is gone falls back to the default rather than failing the render.
      headingFontId: fonts.some((f) => f.id === style.headingFontId) ? style.headingFontId : null,
      captionStyle: {
        ...style.captionStyle,
        fontId: fonts.some((f) => f.id === style.captionStyle.fontId) ? style.captionStyle.fontId : null,
      },
    },
    logo:
      kit.logo_key && kit.logo_format && kit.logo_width && kit.logo_height
        ? {
            storageKey: kit.logo_key,
            format: kit.logo_format,
            width: kit.logo_width,
            height: kit.logo_height,
          }
        : null,
    fonts: fonts.map((f) => ({
      id: f.id,
      family: f.family,
      format: f.format,
      storageKey: f.storage_key,
      sha256: f.sha256,
    })),
    introText: (style.introCard.text || kit.campaign_name).slice(0, 200),
    outroText: (style.outroCard.text || kit.call_to_action || '').slice(0, 200),
  });
}
