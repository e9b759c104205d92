import { z } from 'zod';
import { emailSchema, type Member, memberSchema, pageSchema, paginationQuerySchema } from './api';
import { type AspectRatio, aspectRatioSchema, resolutionSchema } from './document';
import { memberRoleSchema, roleSchema } from './roles';
import { safeText } from './text';

/**
 * Agencies' organisation data: clients → campaigns → projects, briefs, brand kits, platform
 * variants, and the money of a campaign. The contracts of `/clients`, `/campaigns`, `/briefs`,
 * `/brand-kits` and `/variants` (API) and of the `render.variants` and `brief.draft` jobs.
 */

const uuid = safeText().uuid();
const name = safeText().trim().min(1).max(200);
const isoDate = safeText().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const hexColor = safeText().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb');

// ── clients ─────────────────────────────────────────────────────────────────────────────────

/** A client's members: agency staff in member roles, and the client's own people as `guest`. */
export const clientRoleSchema = roleSchema;
export const createClientBodySchema = z.object({ name });
export const updateClientBodySchema = z.object({ name: name.optional() });
export const clientSchema = z.object({
  id: uuid,
  name: safeText(),
  /** The caller's role on the client. */
  role: roleSchema,
  campaignCount: z.number().int(),
  createdAt: safeText(),
});
export type Client = z.infer<typeof clientSchema>;
export const clientPageSchema = pageSchema(clientSchema);
export const listClientsQuerySchema = paginationQuerySchema.extend({
  q: safeText().trim().max(200).optional(),
});

/** A member of a client or campaign: the same shape as a project's member. */
export const orgMemberSchema = memberSchema;
export type OrgMember = Member;
export const orgMemberListSchema = z.object({ items: z.array(orgMemberSchema) });
/** A client member: any role, `guest` included. */
export const addClientMemberBodySchema = z.object({ email: emailSchema, role: clientRoleSchema });
export const updateClientMemberBodySchema = z.object({ role: clientRoleSchema });
/** A campaign member: member roles only (guests belong to the client). */
export const addCampaignMemberBodySchema = z.object({ email: emailSchema, role: memberRoleSchema });
export const updateCampaignMemberBodySchema = z.object({ role: memberRoleSchema });

// ── campaigns ───────────────────────────────────────────────────────────────────────────────

export const CAMPAIGN_STATUSES = ['active', 'paused', 'archived'] as const;
export const campaignStatusSchema = z.enum(CAMPAIGN_STATUSES);
export type CampaignStatus = z.infer<typeof campaignStatusSchema>;

export const createCampaignBodySchema = z
  .object({
    clientId: uuid,
    name,
    startsOn: isoDate.nullable().optional(),
    endsOn: isoDate.nullable().optional(),
    brandKitId: uuid.nullable().optional(),
    /** Final renders of the campaign's projects wait for every scene's approval. */
    requireStoryboardApproval: z.boolean().default(true),
  })
  .refine((b) => !b.startsOn || !b.endsOn || b.startsOn <= b.endsOn, {
    message: 'endsOn is before startsOn',
    path: ['endsOn'],
  });
export const updateCampaignBodySchema = z.object({
  name: name.optional(),
  status: campaignStatusSchema.optional(),
  startsOn: isoDate.nullable().optional(),
  endsOn: isoDate.nullable().optional(),
  brandKitId: uuid.nullable().optional(),
  requireStoryboardApproval: z.boolean().optional(),
});
export const campaignSchema = z.object({
  id: uuid,
  clientId: uuid,
  clientName: safeText(),
  name: safeText(),
  status: campaignStatusSchema,
  startsOn: safeText().nullable(),
  endsOn: safeText().nullable(),
  brandKitId: uuid.nullable(),
  requireStoryboardApproval: z.boolean(),
  role: roleSchema,
  projectCount: z.number().int(),
  createdAt: safeText(),
});
export type Campaign = z.infer<typeof campaignSchema>;
export const campaignPageSchema = pageSchema(campaignSchema);
export const listCampaignsQuerySchema = paginationQuerySchema.extend({
  clientId: uuid.optional(),
  status: campaignStatusSchema.optional(),
  q: safeText().trim().max(200).optional(),
});

/** `POST /campaigns/{id}/projects`: a new project in the campaign, or one of yours moved into it. */
export const addCampaignProjectBodySchema = z.union([z.object({ name }), z.object({ projectId: uuid })]);
export const campaignProjectSchema = z.object({
  id: uuid,
  name: safeText(),
  role: roleSchema,
  sharedWithClient: z.boolean(),
  variantCount: z.number().int(),
  updatedAt: safeText(),
});
export type CampaignProject = z.infer<typeof campaignProjectSchema>;
export const campaignProjectPageSchema = pageSchema(campaignProjectSchema);
export const shareWithClientBodySchema = z.object({ shared: z.boolean() });

// ── briefs ──────────────────────────────────────────────────────────────────────────────────

export const PLATFORMS = [
  'tiktok',
  'instagram-reels',
  'instagram-feed',
  'youtube',
  'youtube-shorts',
  'linkedin',
  'facebook',
] as const;
export const platformSchema = z.enum(PLATFORMS);
export type Platform = z.infer<typeof platformSchema>;

export const TONES = ['friendly', 'bold', 'premium', 'playful', 'serious', 'warm', 'technical'] as const;
export const toneSchema = z.enum(TONES);

const line = safeText().trim().min(1).max(200);

/**
 * Why a must-say line would not be spoken, or null. Spoken word for word, it must read as dialogue
 * in Fountain: wholly in parentheses it is a parenthetical (a direction, never voiced), and `[[…]]`
 * (a note) and `/*…*\/` (boneyard) are dropped from the script.
 */
export function unspokenLineReason(text: string): string | null {
  if (/^\(.*\)$/s.test(text.trim()))
    return 'A line wholly in parentheses is read as a direction, not spoken: remove the parentheses or add words outside them.';
  if (/\[\[|\]\]|\/\*|\*\//.test(text))
    return 'A line cannot hold [[ ]] or /* */: the script reads them as notes and drops them, so it would not be spoken.';
  return null;
}

/**
 * Refuses must-say lines that would not be spoken (`unspokenLineReason`), on what people send: the
 * read schemas stay as they were, so lines stored before this rule still load.
 */
const speakable =
  <T>(path: readonly string[], pick: (v: T) => readonly string[] | undefined) =>
  (value: T, ctx: z.RefinementCtx) => {
    (pick(value) ?? []).forEach((text, i) => {
      const reason = unspokenLineReason(text);
      if (reason) ctx.addIssue({ code: 'custom', path: [...path, i], message: reason });
    });
  };
const speakableBrief = speakable<{ mustSay?: string[] }>(['mustSay'], (v) => v.mustSay);
const speakableKit = speakable<{ writing?: { mustSay?: string[] } }>(
  ['writing', 'mustSay'],
  (v) => v.writing?.mustSay,
);

/** A banned word or phrase: matched whole-word, case-insensitively. */
const bannedWord = safeText().trim().min(1).max(60);

/** Each brief field's rules, without defaults (a PATCH changes only what it names). */
const briefFieldRules = {
  title: name,
  product: safeText().trim().min(1).max(500),
  audience: safeText().trim().min(1).max(500),
  keyMessage: safeText().trim().min(1).max(500),
  mustSay: z.array(line).max(10),
  bannedWords: z.array(bannedWord).max(50),
  tone: toneSchema,
  platforms: z.array(platformSchema).max(PLATFORMS.length),
  /** Target lengths in seconds of the cuts to make; drafts aim at the first. */
  durations: z.array(z.number().int().min(5).max(180)).min(1).max(6),
  callToAction: safeText().trim().max(200),
  /** Assets of the project (mood images, earlier ads) the team looks at. */
  referenceAssetIds: z.array(uuid).max(20),
};
export const briefFieldsSchema = z.object({
  ...briefFieldRules,
  mustSay: briefFieldRules.mustSay.default([]),
  bannedWords: briefFieldRules.bannedWords.default([]),
  tone: briefFieldRules.tone.default('friendly'),
  platforms: briefFieldRules.platforms.default([]),
  durations: briefFieldRules.durations.default([30]),
  callToAction: briefFieldRules.callToAction.default(''),
  referenceAssetIds: briefFieldRules.referenceAssetIds.default([]),
});
export type BriefFields = z.infer<typeof briefFieldsSchema>;
export const createBriefBodySchema = briefFieldsSchema
  .extend({ projectId: uuid })
  .superRefine(speakableBrief);
/** A brief's fields as a form sends them (the rules people's input follows). */
export const briefInputSchema = briefFieldsSchema.superRefine(speakableBrief);
/**
 * `PATCH /briefs/{id}`: the fields named change, the others stay as they are. `base` holds the
 * values fields had when the caller read them: if any differs now (a colleague changed it since),
 * nothing is written and the answer is 409 naming those fields, with the brief as it is now.
 */
export const updateBriefBodySchema = z
  .object(briefFieldRules)
  .partial()
  .extend({ base: z.object(briefFieldRules).partial().strict().optional() })
  .superRefine(speakableBrief);
/** `details` of the 409 a `PATCH /briefs/{id}` with a stale `base` answers. */
export interface BriefChangedDetails {
  /** The fields whose value is no longer the caller's `base`. */
  fields: Array<keyof BriefFields>;
  /** The brief as it is now. */
  current: Brief;
}
export const briefSchema = briefFieldsSchema.extend({
  id: uuid,
  campaignId: uuid,
  projectId: uuid,
  /** The last draft written into the project document, and how it was made. */
  lastDraft: z
    .object({
      source: z.enum(['template', 'llm']),
      provider: safeText().nullable(),
      jobId: uuid.nullable(),
      at: safeText(),
    })
    .nullable(),
  createdAt: safeText(),
  updatedAt: safeText(),
});
export type Brief = z.infer<typeof briefSchema>;
export const briefPageSchema = pageSchema(briefSchema);
export const listBriefsQuerySchema = paginationQuerySchema.extend({
  campaignId: uuid.optional(),
  projectId: uuid.optional(),
});

/**
 * A storyboard draft (from the LLM, validated with this schema, or from the template): scenes in
 * order, each a heading, what we see, who speaks what, and how long it holds.
 */
export const draftSceneSchema = z.object({
  heading: safeText().trim().min(1).max(120),
  action: safeText().trim().max(1000).default(''),
  /** Spoken lines; `speaker` is a character name (uppercase in the script), or NARRATOR. */
  lines: z
    .array(z.object({ speaker: safeText().trim().min(1).max(40), text: safeText().trim().min(1).max(400) }))
    .max(8)
    .default([]),
  durationSec: z.number().min(1).max(60),
  shot: z.enum(['wide', 'medium', 'close']).default('medium'),
  imagePrompt: safeText().trim().max(500).default(''),
});
export type DraftScene = z.infer<typeof draftSceneSchema>;
export const storyboardDraftSchema = z.object({
  title: safeText().trim().min(1).max(200),
  scenes: z.array(draftSceneSchema).min(1).max(20),
});
export type StoryboardDraft = z.infer<typeof storyboardDraftSchema>;

/**
 * `POST /briefs/{id}/draft`. `auto` drafts with the LLM (a `brief.draft` job) when a worker offers
 * one, else with the template at once; `template` always uses the template. A project whose script
 * is not empty is only overwritten with `replace: true` (else 409); the state before is kept as a
 * version either way.
 */
export const BRIEF_DRAFT_MODES = ['auto', 'template'] as const;
export const draftBriefBodySchema = z.object({
  mode: z.enum(BRIEF_DRAFT_MODES).default('auto'),
  replace: z.boolean().default(false),
});
export type DraftBriefBody = z.infer<typeof draftBriefBodySchema>;

/** `POST /briefs/{id}/draft` (200): the template draft is in the project document. */
export const briefDraftAppliedSchema = z.object({
  source: z.literal('template'),
  brief: briefSchema,
  /** Scenes the draft has (the storyboard's live scenes now). */
  scenes: z.number().int(),
  /** The version saved just before the draft replaced a script (restore it to undo), or null. */
  backupVersionId: uuid.nullable(),
});
export type BriefDraftApplied = z.infer<typeof briefDraftAppliedSchema>;

/**
 * `brief.draft`: the configured LLM drafts a storyboard (`storyboardDraftSchema`) from a brief and
 * the campaign's brand kit, checked for must-say lines and banned words, and writes it into the
 * project document. `replace` as in `draftBriefBodySchema`, checked again when the draft is written.
 */
export const briefDraftPayloadSchema = z.object({
  briefId: uuid,
  replace: z.boolean().default(false),
});
export type BriefDraftPayload = z.infer<typeof briefDraftPayloadSchema>;

// ── brand kits ──────────────────────────────────────────────────────────────────────────────

export const FONT_FORMATS = ['ttf', 'otf', 'woff2'] as const;
export const fontFormatSchema = z.enum(FONT_FORMATS);
export type FontFormat = z.infer<typeof fontFormatSchema>;
/** Largest font file a kit takes. */
export const MAX_FONT_BYTES = 4 * 1024 * 1024;
/** Largest logo a kit takes (SVG or PNG), and its largest side in pixels. */
export const MAX_LOGO_BYTES = 2 * 1024 * 1024;
export const MAX_LOGO_SIDE = 4096;

export const brandFontSchema = z.object({
  id: uuid,
  family: safeText(),
  style: safeText(),
  format: fontFormatSchema,
  bytes: z.number().int(),
  createdAt: safeText(),
});
export type BrandFont = z.infer<typeof brandFontSchema>;

export const MUSIC_MOODS = ['none', 'calm', 'upbeat', 'dramatic', 'corporate', 'playful'] as const;
export const musicMoodSchema = z.enum(MUSIC_MOODS);
export type MusicMood = z.infer<typeof musicMoodSchema>;

export const captionStyleSchema = z.object({
  /** A font of the kit; null takes the renderer's default sans. */
  fontId: uuid.nullable().default(null),
  /** Text height as a share of the frame's height. */
  size: z.number().min(0.02).max(0.12).default(0.05),
  color: hexColor.default('#ffffff'),
  /** Box behind the text; `backgroundOpacity` 0 draws none. */
  background: hexColor.default('#000000'),
  backgroundOpacity: z.number().min(0).max(1).default(0.55),
  position: z.enum(['bottom', 'middle', 'top']).default('bottom'),
  uppercase: z.boolean().default(false),
});
export type CaptionStyle = z.infer<typeof captionStyleSchema>;

export const brandCardSchema = z.object({
  enabled: z.boolean().default(false),
  /** Big line; defaults to the campaign's name (intro) or the brief's call to action (outro). */
  text: safeText().trim().max(120).default(''),
  durationSec: z.number().min(0.5).max(5).default(2),
});
export type BrandCard = z.infer<typeof brandCardSchema>;

export const lowerThirdSchema = z.object({
  enabled: z.boolean().default(false),
  title: safeText().trim().max(80).default(''),
  subtitle: safeText().trim().max(120).default(''),
  /** Seconds into the first scene, and how long it stays. */
  startSec: z.number().min(0).max(30).default(0.5),
  durationSec: z.number().min(1).max(10).default(3),
});
export type LowerThird = z.infer<typeof lowerThirdSchema>;

export const paletteSchema = z.object({
  primary: hexColor.default('#1f6feb'),
  secondary: hexColor.default('#0d1117'),
  accent: hexColor.default('#f0883e'),
  background: hexColor.default('#0d1117'),
  text: hexColor.default('#ffffff'),
});
export type Palette = z.infer<typeof paletteSchema>;

/**
 * How the brand writes: drafts from briefs follow `voice`, must contain every `mustSay` line and
 * no `bannedWords` (with the brief's own lists added), checked after generation.
 */
export const brandWritingSchema = z.object({
  voice: safeText().trim().max(500).default(''),
  mustSay: z.array(line).max(10).default([]),
  bannedWords: z.array(bannedWord).max(50).default([]),
});
export type BrandWriting = z.infer<typeof brandWritingSchema>;

/** What renders and drafts apply; every field has a default, so `{}` is a plain kit. */
export const brandKitStyleSchema = z.object({
  writing: brandWritingSchema.prefault({}),
  palette: paletteSchema.prefault({}),
  /** Font of card titles and lower thirds (a kit font), null for the default. */
  headingFontId: uuid.nullable().default(null),
  captionStyle: captionStyleSchema.prefault({}),
  introCard: brandCardSchema.prefault({}),
  outroCard: brandCardSchema.prefault({}),
  lowerThird: lowerThirdSchema.prefault({}),
  /** Corner the logo is stamped in on every variant; `none` leaves it off. */
  logoPlacement: z
    .enum(['none', 'top-left', 'top-right', 'bottom-left', 'bottom-right'])
    .default('top-right'),
  /** Voice id (as the render's voices) for the narrator and characters without one. */
  defaultVoice: safeText().trim().max(100).nullable().default(null),
  musicMood: musicMoodSchema.default('calm'),
});
export type BrandKitStyle = z.infer<typeof brandKitStyleSchema>;

export const createBrandKitBodySchema = brandKitStyleSchema
  .partial()
  .extend({ clientId: uuid, name })
  .superRefine(speakableKit);
/**
 * `PATCH /brand-kits/{id}`: the fields sent change (nested objects field by field). `base` holds the
 * values those fields had when the caller read them (nested the same way): if any differs now, nothing
 * is written and the answer is 409 naming them (`palette.accent`), with the kit as it is now.
 */
export const updateBrandKitBodySchema = brandKitStyleSchema
  .partial()
  .extend({
    name: name.optional(),
    base: z.record(safeText().max(64), z.unknown()).optional(),
  })
  .superRefine(speakableKit);
export const brandKitSchema = brandKitStyleSchema.extend({
  id: uuid,
  clientId: uuid,
  name: safeText(),
  /** Grows with every change; a variant rendered with an older revision is stale. */
  revision: z.number().int(),
  logo: z
    .object({
      format: z.enum(['svg', 'png']),
      width: z.number().int(),
      height: z.number().int(),
      bytes: z.number().int(),
    })
    .nullable(),
  fonts: z.array(brandFontSchema),
  createdAt: safeText(),
  updatedAt: safeText(),
});
export type BrandKit = z.infer<typeof brandKitSchema>;
/** `details` of the 409 a `PATCH /brand-kits/{id}` with a stale `base` answers. */
export interface BrandKitChangedDetails {
  /** Dotted paths of the fields whose value is no longer the caller's `base` (`palette.accent`). */
  fields: string[];
  /** The kit as it is now. */
  current: BrandKit;
}
export const brandKitListSchema = z.object({ items: z.array(brandKitSchema) });
export const listBrandKitsQuerySchema = z.object({ clientId: uuid });

// ── platform variants ───────────────────────────────────────────────────────────────────────

/** Platform presets: an aspect and a length. `custom` takes both from the request. */
export const PLATFORM_PRESETS = {
  'vertical-15': { label: '9:16 · 15 s (Reels, Shorts, TikTok)', aspectRatio: '9:16', durationSec: 15 },
  'vertical-30': { label: '9:16 · 30 s (Reels, Shorts, TikTok)', aspectRatio: '9:16', durationSec: 30 },
  'square-30': { label: '1:1 · 30 s (feeds)', aspectRatio: '1:1', durationSec: 30 },
  'portrait-30': { label: '4:5 · 30 s (Instagram, Facebook feed)', aspectRatio: '4:5', durationSec: 30 },
  'landscape-60': { label: '16:9 · 60 s (YouTube, LinkedIn)', aspectRatio: '16:9', durationSec: 60 },
} as const satisfies Record<string, { label: string; aspectRatio: AspectRatio; durationSec: number }>;
export type PresetId = keyof typeof PLATFORM_PRESETS;
export const PRESET_IDS = Object.keys(PLATFORM_PRESETS) as PresetId[];
export const presetIdSchema = z.enum(PRESET_IDS as [PresetId, ...PresetId[]]);

/** One cell of a variant matrix: a preset, or a custom aspect and length (named by the caller). */
export const variantSpecSchema = z.union([
  z.object({ preset: presetIdSchema }),
  z.object({
    preset: z.literal('custom'),
    name: safeText().trim().min(1).max(60),
    aspectRatio: aspectRatioSchema,
    durationSec: z.number().int().min(5).max(180),
  }),
]);
export type VariantSpec = z.infer<typeof variantSpecSchema>;

/** A variant spec with its preset looked up: what the pipeline renders. */
export interface ResolvedVariant {
  /** `vertical-15`, or `custom:<name>`. */
  key: string;
  label: string;
  aspectRatio: AspectRatio;
  durationSec: number;
}
export function resolveVariant(spec: VariantSpec): ResolvedVariant {
  if (spec.preset === 'custom')
    return {
      key: `custom:${spec.name}`,
      label: `${spec.name} · ${spec.aspectRatio} · ${spec.durationSec} s`,
      aspectRatio: spec.aspectRatio,
      durationSec: spec.durationSec,
    };
  const p = PLATFORM_PRESETS[spec.preset];
  return { key: spec.preset, label: p.label, aspectRatio: p.aspectRatio, durationSec: p.durationSec };
}

/** Most variants one `render.variants` job renders (one matrix). */
export const MAX_VARIANTS_PER_RENDER = 6;

const variantSpecsSchema = z
  .array(variantSpecSchema)
  .min(1)
  .max(MAX_VARIANTS_PER_RENDER)
  .superRefine((specs, ctx) => {
    const seen = new Set<string>();
    specs.forEach((spec, i) => {
      const { key } = resolveVariant(spec);
      if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `"${key}" is asked for twice`, path: [i] });
      seen.add(key);
    });
  });

/**
 * `POST /projects/{id}/variants`: render the storyboard as a matrix of platform variants in one
 * job (`render.variants`). Defaults: 720p, lines burned in (feeds play muted), a draft render.
 */
export const createVariantRenderBodySchema = z.object({
  variants: variantSpecsSchema,
  resolution: resolutionSchema.optional(),
  burnSubtitles: z.boolean().optional(),
  /** A final render waits for the storyboard's approvals, as a final `render.video` does. */
  final: z.boolean().optional(),
});
export type CreateVariantRenderBody = z.infer<typeof createVariantRenderBodySchema>;

/**
 * A brand kit as a render pinned it at submit (the API writes it into the payload; a caller's own
 * value is replaced): the kit's style at its revision, the files it uses (blob store keys, the
 * fonts' hashes, checked by the worker) and the card texts with their defaults filled in (the
 * campaign's name for the intro, the brief's call to action for the outro).
 */
export const brandSnapshotSchema = z.object({
  kitId: uuid,
  revision: z.number().int().min(1),
  style: brandKitStyleSchema,
  logo: z
    .object({
      storageKey: safeText().min(1).max(1000),
      format: z.enum(['svg', 'png']),
      width: z.number().int().min(1).max(MAX_LOGO_SIDE),
      height: z.number().int().min(1).max(MAX_LOGO_SIDE),
    })
    .nullable(),
  /** The kit fonts the style names (caption and heading font), at most those two. */
  fonts: z
    .array(
      z.object({
        id: uuid,
        family: safeText().min(1).max(200),
        format: fontFormatSchema,
        storageKey: safeText().min(1).max(1000),
        sha256: safeText().regex(/^[0-9a-f]{64}$/),
      }),
    )
    .max(2),
  introText: safeText().max(200).default(''),
  outroText: safeText().max(200).default(''),
});
export type BrandSnapshot = z.infer<typeof brandSnapshotSchema>;

/** One variant of a `render.variants` job: its `variants` row and what it renders. */
export const variantJobEntrySchema = z.object({
  variantId: uuid,
  key: safeText().min(1).max(80),
  label: safeText().max(200),
  aspectRatio: aspectRatioSchema,
  durationSec: z.number().int().min(5).max(180),
});
export type VariantJobEntry = z.infer<typeof variantJobEntrySchema>;

/**
 * The `render.variants` payload: the resolved variants (1–6, unique keys), rendered as one matrix
 * of the pinned storyboard; `brand` is written by the API from the project's campaign.
 */
export const renderVariantsPayloadSchema = z.object({
  variants: z
    .array(variantJobEntrySchema)
    .min(1)
    .max(MAX_VARIANTS_PER_RENDER)
    .refine((v) => new Set(v.map((x) => x.key)).size === v.length, 'variant keys must be unique'),
  resolution: resolutionSchema.default('720p'),
  burnSubtitles: z.boolean().default(true),
  final: z.boolean().default(false),
  brand: brandSnapshotSchema.nullable().default(null),
});
export type RenderVariantsPayload = z.infer<typeof renderVariantsPayloadSchema>;

export const VARIANT_STATUSES = ['rendering', 'ready', 'failed', 'cancelled'] as const;
export const variantStatusSchema = z.enum(VARIANT_STATUSES);
export const VARIANT_DECISIONS = ['approved', 'changes_requested'] as const;
export const variantDecisionSchema = z.enum(VARIANT_DECISIONS);

export const variantApprovalSchema = z.object({
  status: variantDecisionSchema,
  note: safeText().nullable(),
  by: z.object({ id: uuid.nullable(), name: safeText() }),
  /** `guest` when the client decided. */
  role: roleSchema,
  at: safeText(),
  /** Rendered with an older brand kit revision than the campaign's kit now has. */
  stale: z.boolean(),
});
export const variantSchema = z.object({
  id: uuid,
  projectId: uuid,
  jobId: uuid,
  key: safeText(),
  label: safeText(),
  aspectRatio: aspectRatioSchema,
  durationSec: z.number(),
  status: variantStatusSchema,
  videoAssetId: uuid.nullable(),
  posterAssetId: uuid.nullable(),
  brandKitId: uuid.nullable(),
  brandKitRevision: z.number().int().nullable(),
  /** The kit changed since this was rendered. */
  stale: z.boolean(),
  costUsd: z.number(),
  approval: variantApprovalSchema.nullable(),
  /** Signed download links of the video and its poster (no headers needed), once rendered. */
  urls: z.object({ video: safeText(), poster: safeText().nullable(), expiresAt: safeText() }).nullable(),
  createdAt: safeText(),
});
export type Variant = z.infer<typeof variantSchema>;
export const variantPageSchema = pageSchema(variantSchema);
export const listVariantsQuerySchema = paginationQuerySchema.extend({
  status: variantStatusSchema.optional(),
  approval: z.enum(['approved', 'changes_requested', 'pending']).optional(),
});
export const decideVariantBodySchema = z.object({
  status: variantDecisionSchema,
  note: safeText().trim().max(5000).optional(),
});
export const variantCommentBodySchema = z.object({
  body: safeText().trim().min(1).max(10_000),
  /** Seconds into the variant the comment is about. */
  atSec: z.number().min(0).max(3600).optional(),
  /** Shown to the client's guests; a guest's own comments always are. */
  clientVisible: z.boolean().default(false),
});
export const variantCommentSchema = z.object({
  id: uuid,
  variantId: uuid,
  body: safeText(),
  atSec: z.number().nullable(),
  clientVisible: z.boolean(),
  author: z.object({ id: uuid.nullable(), name: safeText(), role: roleSchema.nullable() }),
  createdAt: safeText(),
});
export type VariantComment = z.infer<typeof variantCommentSchema>;
export const variantCommentListSchema = z.object({ items: z.array(variantCommentSchema) });

// ── gallery ─────────────────────────────────────────────────────────────────────────────────

export const GALLERY_KINDS = ['frame', 'render', 'variant', 'audio'] as const;
export const galleryKindSchema = z.enum(GALLERY_KINDS);
export const galleryItemSchema = z.object({
  assetId: uuid,
  kind: galleryKindSchema,
  name: safeText(),
  projectId: uuid,
  projectName: safeText(),
  campaignId: uuid,
  campaignName: safeText(),
  jobId: uuid.nullable(),
  variant: z.object({ id: uuid, key: safeText(), label: safeText() }).nullable(),
  status: safeText(),
  approval: variantDecisionSchema.nullable(),
  costUsd: z.number().nullable(),
  bytes: z.number().int(),
  thumbnailUrl: safeText().nullable(),
  downloadUrl: safeText(),
  createdAt: safeText(),
});
export type GalleryItem = z.infer<typeof galleryItemSchema>;
export const galleryPageSchema = pageSchema(galleryItemSchema);
export const galleryQuerySchema = paginationQuerySchema.extend({
  campaignId: uuid.optional(),
  kind: galleryKindSchema.optional(),
  approval: z.enum(['approved', 'changes_requested', 'pending']).optional(),
  variant: safeText().max(80).optional(),
});
/** `POST …/gallery/download`: a zip of the chosen assets (at most 200, 2 GiB in all). */
export const MAX_BULK_DOWNLOAD_ITEMS = 200;
export const bulkDownloadBodySchema = z.object({
  assetIds: z.array(uuid).min(1).max(MAX_BULK_DOWNLOAD_ITEMS),
});

// ── money ───────────────────────────────────────────────────────────────────────────────────

/**
 * Whether `name` is an IANA time zone this runtime knows (`Europe/Paris`, `UTC`, `Etc/GMT+5`).
 * UTC offsets such as `+01:00` are refused although Intl takes them: Postgres reads a bare offset
 * as a POSIX zone, with the opposite sign.
 */
export function isIanaTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const usdLimit = z.number().min(0).max(1_000_000).nullable();
/**
 * A campaign's limits: soft ones warn (a notification, a banner), hard ones pause new jobs with
 * 402 until the day turns (daily) or the limit is raised. Days are counted in `timezone`.
 * A field left out keeps its value; `null` removes a limit.
 */
export const campaignBudgetBodySchema = z.object({
  dailySoftUsd: usdLimit.optional(),
  dailyHardUsd: usdLimit.optional(),
  totalSoftUsd: usdLimit.optional(),
  totalHardUsd: usdLimit.optional(),
  timezone: safeText()
    .max(64)
    .refine(isIanaTimeZone, { message: 'an IANA time zone such as Europe/Paris or UTC' })
    .optional(),
});
export type CampaignBudgetBody = z.infer<typeof campaignBudgetBodySchema>;

/** Which campaign limit holds new jobs. */
export const campaignLimitSchema = z.enum(['daily', 'total']);
export type CampaignLimit = z.infer<typeof campaignLimitSchema>;
/**
 * `details` of the 402 a submit or retry gets past a campaign's hard limit: which limit, and when
 * it lifts (the campaign's next local midnight for `daily`; null for `total`, which lifts only
 * when raised).
 */
export const campaignBudgetRefusalSchema = z.object({
  campaignId: uuid,
  limit: campaignLimitSchema,
  until: safeText().nullable(),
  limitUsd: z.number(),
  /** Spent plus held by live jobs, today (daily) or in all (total), before this job. */
  committedUsd: z.number(),
  estimateUsd: z.number(),
  remainingUsd: z.number(),
});
export type CampaignBudgetRefusal = z.infer<typeof campaignBudgetRefusalSchema>;
export const campaignBudgetSchema = z.object({
  campaignId: uuid,
  dailySoftUsd: z.number().nullable(),
  dailyHardUsd: z.number().nullable(),
  totalSoftUsd: z.number().nullable(),
  totalHardUsd: z.number().nullable(),
  timezone: safeText(),
  /** Spent (ledger) plus held by live jobs' estimates, today and in all. */
  todayUsd: z.number(),
  totalUsd: z.number(),
  /** Set while a hard limit holds new jobs: which, and when the daily one lifts. */
  paused: z.object({ limit: campaignLimitSchema, until: safeText().nullable() }).nullable(),
  /** Soft limits passed (today for `daily`). */
  warnings: z.array(campaignLimitSchema),
});
export type CampaignBudget = z.infer<typeof campaignBudgetSchema>;

/**
 * One row of a spend report: what the ledger charged in the range (`spentUsd`), to how many jobs
 * (`jobs`: jobs with a charge in the range) and what those jobs were estimated at (`estimatedUsd`).
 */
export const spendRowSchema = z.object({
  /** What the row is about: a campaign or a member (null: a former member, whose account is gone). */
  id: uuid.nullable(),
  name: safeText(),
  spentUsd: z.number(),
  estimatedUsd: z.number(),
  jobs: z.number().int(),
});
export type SpendRow = z.infer<typeof spendRowSchema>;
/**
 * Spend of a campaign or a client over days `from`..`to` (inclusive) in `timezone` (the campaign
 * budget's; UTC for a client): by campaign, by member who started the jobs, by day (every day of
 * the range, zero included), and the cost-variance alerts raised in the range.
 */
export const spendReportSchema = z.object({
  from: safeText(),
  to: safeText(),
  timezone: safeText(),
  totalUsd: z.number(),
  byCampaign: z.array(spendRowSchema),
  byMember: z.array(spendRowSchema),
  byDay: z.array(z.object({ day: safeText(), spentUsd: z.number() })),
  /** Jobs whose actual cost passed their estimate by more than `COST_VARIANCE_ALERT`. */
  varianceAlerts: z.array(
    z.object({
      jobId: uuid,
      projectId: uuid,
      type: safeText(),
      estimateUsd: z.number(),
      actualUsd: z.number(),
      at: safeText(),
    }),
  ),
});
export type SpendReport = z.infer<typeof spendReportSchema>;
/** Days a spend report covers when `from` is left out (today included). */
export const DEFAULT_SPEND_DAYS = 30;
/** Most days one spend report covers. */
export const MAX_SPEND_DAYS = 366;
/**
 * `GET /campaigns/{id}/spend` and `GET /clients/{id}/spend`: days `from`..`to` inclusive (default
 * the last DEFAULT_SPEND_DAYS days to today), at most MAX_SPEND_DAYS; `campaignId` narrows a
 * client's report to one of its campaigns.
 */
export const spendQuerySchema = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  campaignId: uuid.optional(),
});
/** A job whose actual cost passes its estimate by more than this share raises an alert. */
export const COST_VARIANCE_ALERT = 0.2;

export const clientParamsSchema = z.object({ id: uuid });
export const campaignParamsSchema = z.object({ id: uuid });
export const orgMemberParamsSchema = z.object({ id: uuid, userId: uuid });
export const briefParamsSchema = z.object({ id: uuid });
export const brandKitParamsSchema = z.object({ id: uuid });
export const brandFontParamsSchema = z.object({ id: uuid, fontId: uuid });
export const variantParamsSchema = z.object({ id: uuid });
