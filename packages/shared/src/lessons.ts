import { z } from 'zod';
import { pageSchema, paginationQuerySchema } from './api';
import { aspectRatioSchema, resolutionSchema } from './document';
import { safeText } from './text';

/**
 * Portrait lessons: a portrait and a text become a narrated, talking-presenter lesson that plays in
 * any LMS.
 *
 * Where each part lives:
 * - the lesson's identity (id, title, deleted or not) is a Postgres row (`lessons`), because shares,
 *   jobs and consents point at it and must see it deleted;
 * - its content (sections, slides, quiz, voice and layout choices, wizard step) lives in the
 *   project's Y.Doc under `lessons` (`DOC_KEYS.lessons`), one Y.Map per lesson id, so teammates
 *   co-edit it live and a render pins exactly what it shows (as `render.video` pins the storyboard);
 * - consents for a likeness (a portrait or a voice sample) are Postgres rows that carry authority;
 * - renders are `portrait.lesson` jobs, packages are `export.lms` jobs, share links are
 *   `lesson_shares` rows served without sign-in until they expire.
 */

/** Bounds on a lesson, checked by the API at submit and again by the worker. */
export const LESSON_LIMITS = {
  maxTitleChars: 200,
  maxSections: 40,
  maxSectionTitleChars: 200,
  /** Narration of one section (characters). */
  maxNarrationChars: 4_000,
  /** All narration together: about 30 minutes of speech at a presenter's pace. */
  maxTotalNarrationChars: 30_000,
  maxBullets: 8,
  maxBulletChars: 200,
  maxQuizQuestions: 20,
  maxChoiceChars: 300,
} as const;

/** The wizard's steps, in order; the lesson remembers where its team is. */
export const LESSON_STEPS = ['portrait', 'voice', 'script', 'preview', 'render', 'export'] as const;
export const lessonStepSchema = z.enum(LESSON_STEPS);
export type LessonStep = z.infer<typeof lessonStepSchema>;

/**
 * How the presenter and the slides share the frame: `presenter` (the talking portrait alone, over
 * the background), `presenter-and-slides` (slide on the left, presenter on the right),
 * `slides-with-inset` (slide full frame, presenter in a corner inset).
 */
export const LESSON_LAYOUTS = ['presenter', 'presenter-and-slides', 'slides-with-inset'] as const;
export const lessonLayoutSchema = z.enum(LESSON_LAYOUTS);
export type LessonLayout = z.infer<typeof lessonLayoutSchema>;

export const lessonSlideSchema = z.object({
  title: safeText().max(LESSON_LIMITS.maxSectionTitleChars),
  bullets: z.array(safeText().max(LESSON_LIMITS.maxBulletChars)).max(LESSON_LIMITS.maxBullets).default([]),
});
export type LessonSlide = z.infer<typeof lessonSlideSchema>;

/** One section: what the presenter says, and optionally the slide shown meanwhile (a chapter). */
export const lessonSectionSchema = z.object({
  id: safeText().min(1).max(64),
  title: safeText().max(LESSON_LIMITS.maxSectionTitleChars).default(''),
  narration: safeText().max(LESSON_LIMITS.maxNarrationChars).default(''),
  slide: lessonSlideSchema.nullable().default(null),
});
export type LessonSection = z.infer<typeof lessonSectionSchema>;

export const quizQuestionSchema = z
  .object({
    id: safeText().min(1).max(64),
    prompt: safeText().min(1).max(1000),
    choices: z.array(safeText().min(1).max(LESSON_LIMITS.maxChoiceChars)).min(2).max(6),
    /** Index of the right choice. */
    answer: z.number().int().min(0),
  })
  .refine((q) => q.answer < q.choices.length, {
    message: 'answer must index one of the choices',
    path: ['answer'],
  });
export type QuizQuestion = z.infer<typeof quizQuestionSchema>;

/** An optional end-of-lesson quiz; passing it is part of completion when present. */
export const lessonQuizSchema = z.object({
  questions: z.array(quizQuestionSchema).min(1).max(LESSON_LIMITS.maxQuizQuestions),
  /** Share of right answers needed to pass, in percent. */
  passPercent: z.number().int().min(1).max(100).default(80),
});
export type LessonQuiz = z.infer<typeof lessonQuizSchema>;

const hexColor = safeText().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #1f2937');

/**
 * A lesson's content as stored in the project document (`lessons` → lesson id → Y.Map with these
 * keys; `sections` is a Y.Array of Y.Maps, `quiz` a plain JSON value). Parse `yMap.toJSON()` with it.
 */
export const lessonContentSchema = z.object({
  title: safeText().max(LESSON_LIMITS.maxTitleChars).default(''),
  step: lessonStepSchema.default('portrait'),
  portraitAssetId: safeText().uuid().nullable().default(null),
  /** The consent that covers the portrait's likeness; required to render. */
  portraitConsentId: safeText().uuid().nullable().default(null),
  /**
   * A voice a worker publishes (`GET /api/v1/models` voices: bundled festival/flite/espeak ids, or
   * `provider:<name>`), or `clone:<consentId>` for a voice cloned from a consented sample.
   */
  voice: safeText().max(100).default('kal'),
  voiceSampleAssetId: safeText().uuid().nullable().default(null),
  /** The consent that covers the voice sample; required for a cloned voice. */
  voiceConsentId: safeText().uuid().nullable().default(null),
  sections: z.array(lessonSectionSchema).max(LESSON_LIMITS.maxSections).default([]),
  quiz: lessonQuizSchema.nullable().default(null),
  layout: lessonLayoutSchema.default('presenter-and-slides'),
  aspectRatio: aspectRatioSchema.default('16:9'),
  resolution: resolutionSchema.default('720p'),
  background: hexColor.default('#1f2937'),
  burnCaptions: z.boolean().default(false),
  /** The latest preview and final render jobs, so a teammate opening the lesson sees them. */
  previewJobId: safeText().uuid().nullable().default(null),
  finalJobId: safeText().uuid().nullable().default(null),
});
export type LessonContent = z.infer<typeof lessonContentSchema>;

/** Characters of narration across the sections (what LESSON_LIMITS.maxTotalNarrationChars bounds). */
export function narrationChars(content: { sections: ReadonlyArray<{ narration: string }> }): number {
  return content.sections.reduce((n, s) => n + s.narration.length, 0);
}

/**
 * The timing of a rendered lesson: silence before the first section, between sections (a chapter
 * starts where its section's speech starts) and after the last one, in seconds.
 */
export const LESSON_TIMING = { leadSec: 0.4, sectionGapSec: 0.8, tailSec: 0.8 } as const;

/**
 * How fast the bundled festival voice speaks: characters of narration per second (measured on
 * 2,500 characters of plain prose: 15.2). Plans and estimates use it before anything is spoken.
 */
export const NARRATION_CHARS_PER_SEC = 15;

/** The lesson video's expected length in seconds, for the plan and the estimate of a render. */
export function estimateLessonSeconds(content: { sections: ReadonlyArray<{ narration: string }> }): number {
  const spoken = content.sections.filter((s) => s.narration.trim());
  if (!spoken.length) return 0;
  const speech = spoken.reduce((n, s) => n + s.narration.trim().length, 0) / NARRATION_CHARS_PER_SEC;
  return (
    LESSON_TIMING.leadSec + speech + (spoken.length - 1) * LESSON_TIMING.sectionGapSec + LESSON_TIMING.tailSec
  );
}

// ---------- Postgres-backed objects and their API bodies ----------

/** A lesson as the API returns it (identity only; the content is in the project document). */
export const lessonSchema = z.object({
  id: safeText().uuid(),
  projectId: safeText().uuid(),
  title: safeText(),
  createdBy: safeText().uuid().nullable(),
  createdAt: safeText(),
  updatedAt: safeText(),
});
export type Lesson = z.infer<typeof lessonSchema>;

export const createLessonBodySchema = z.object({
  title: safeText().trim().min(1).max(LESSON_LIMITS.maxTitleChars),
});
export const updateLessonBodySchema = createLessonBodySchema;
/** `GET /api/v1/projects/:id/lessons`: newest first, keyset cursor over (created_at, id). */
export const listLessonsQuerySchema = paginationQuerySchema;
export const lessonPageSchema = pageSchema(lessonSchema);

/** What a consent covers: the likeness in a portrait, or a voice cloned from a sample. */
export const CONSENT_KINDS = ['portrait', 'voice'] as const;
export const consentKindSchema = z.enum(CONSENT_KINDS);
export type ConsentKind = z.infer<typeof consentKindSchema>;

/**
 * A consent record: who consented, to what, when, with their statement (typed, or an uploaded
 * signed document). Renders name it; revoking it blocks new renders (past ones keep the record).
 */
export const consentSchema = z.object({
  id: safeText().uuid(),
  projectId: safeText().uuid(),
  kind: consentKindSchema,
  /** The person whose likeness or voice it is. */
  subjectName: safeText(),
  /** The portrait (image) or voice sample (audio) asset it covers. */
  assetId: safeText().uuid(),
  /** What the consent allows, in the subject's terms (e.g. "internal training videos, 2027"). */
  scope: safeText(),
  statementText: safeText().nullable(),
  statementAssetId: safeText().uuid().nullable(),
  recordedBy: safeText().uuid().nullable(),
  recordedAt: safeText(),
  revokedAt: safeText().nullable(),
});
export type Consent = z.infer<typeof consentSchema>;

export const createConsentBodySchema = z
  .object({
    kind: consentKindSchema,
    subjectName: safeText().trim().min(1).max(200),
    assetId: safeText().uuid(),
    scope: safeText().trim().min(1).max(1_000),
    statementText: safeText().trim().min(1).max(10_000).optional(),
    statementAssetId: safeText().uuid().optional(),
  })
  .refine((b) => !!b.statementText !== !!b.statementAssetId, {
    message: 'give the statement as text or as an uploaded document (one of the two)',
    path: ['statementText'],
  });
export type CreateConsentBody = z.infer<typeof createConsentBodySchema>;

/** `GET /api/v1/projects/:id/consents`: newest first, optionally of one asset or kind, live only. */
export const listConsentsQuerySchema = paginationQuerySchema.extend({
  assetId: safeText().uuid().optional(),
  kind: consentKindSchema.optional(),
  /** `true`: only consents not revoked. */
  live: z.enum(['true', 'false']).optional(),
});
export const consentPageSchema = pageSchema(consentSchema);

/** Asset kinds a consent may cover, by consent kind: a portrait is an image, a voice sample audio. */
export const CONSENT_ASSET_KINDS = { portrait: 'image', voice: 'audio' } as const satisfies Record<
  ConsentKind,
  string
>;
/** Asset kinds an uploaded consent statement may be: a signed PDF (`document`) or a photo of it. */
export const CONSENT_STATEMENT_ASSET_KINDS = ['document', 'image'] as const;

/** Longest a share link may live (hours): 90 days. */
export const MAX_SHARE_HOURS = 24 * 90;

/** A link that plays a finished lesson render without sign-in, until it expires or is revoked. */
export const lessonShareSchema = z.object({
  id: safeText().uuid(),
  lessonId: safeText().uuid(),
  /** The completed `portrait.lesson` (final) job whose video it plays. */
  jobId: safeText().uuid(),
  /** The player page; the token in it is shown once, when the share is created. */
  url: safeText().nullable(),
  /** `<iframe …>` snippet for the player page (with the url; null after creation). */
  embedHtml: safeText().nullable(),
  expiresAt: safeText(),
  createdBy: safeText().uuid().nullable(),
  createdAt: safeText(),
  revokedAt: safeText().nullable(),
});
export type LessonShare = z.infer<typeof lessonShareSchema>;
/** `GET /lessons/:id/shares`: the lesson's links, newest first (`url` null: shown only when made). */
export const lessonShareListSchema = z.object({ items: z.array(lessonShareSchema) });

export const createLessonShareBodySchema = z.object({
  jobId: safeText().uuid(),
  expiresInHours: z
    .number()
    .int()
    .min(1)
    .max(MAX_SHARE_HOURS)
    .default(24 * 7),
});

// ---------- job payloads (joined into jobPayloadSchemas) ----------

/**
 * `portrait.lesson`: render the lesson as pinned at submit. `preview` is the cheap pass (the still
 * portrait, the voice and the slides); `final` animates the presenter (mouth, jaw, blinks, head
 * motion) and writes captions and chapters.
 */
export const portraitLessonPayloadSchema = z.object({
  lessonId: safeText().uuid(),
  mode: z.enum(['preview', 'final']).default('final'),
});
export type PortraitLessonPayload = z.infer<typeof portraitLessonPayloadSchema>;

/** A chapter marker of a rendered lesson (the `chapters` output of `portrait.lesson`): one per section. */
export const lessonChapterSchema = z.object({
  title: safeText().max(LESSON_LIMITS.maxSectionTitleChars),
  /** Where the chapter starts in the video, in seconds. */
  startSec: z.number().min(0),
});
export type LessonChapter = z.infer<typeof lessonChapterSchema>;
export const lessonChaptersSchema = z.array(lessonChapterSchema).max(LESSON_LIMITS.maxSections);

export const LMS_FORMATS = ['scorm12', 'scorm2004', 'cmi5'] as const;
export const lmsFormatSchema = z.enum(LMS_FORMATS);
export type LmsFormat = z.infer<typeof lmsFormatSchema>;

/**
 * `export.lms`: package a completed final `portrait.lesson` job as a self-contained zip for an LMS
 * (video, captions, player, the quiz when the lesson has one; no network requests).
 */
export const exportLmsPayloadSchema = z.object({
  lessonJobId: safeText().uuid(),
  format: lmsFormatSchema,
  /** Share of the video a learner must watch for completion, in percent. */
  completionPercent: z.number().int().min(10).max(100).default(90),
  /** Include the lesson's quiz (when it has one); passing it is then part of completion. */
  includeQuiz: z.boolean().default(true),
});
export type ExportLmsPayload = z.infer<typeof exportLmsPayloadSchema>;

/** Tones a drafted lesson can take. */
export const LESSON_TONES = ['friendly', 'formal', 'energetic', 'calm'] as const;

/**
 * `lesson.draft`: ask the configured LLM provider (OpenAI-compatible or Ollama) for a lesson script.
 * Offered only where a worker has a chat provider; the result is a job output (`draft`, a
 * `LessonDraft`) the team reviews and applies to the lesson, never written over it unasked.
 */
export const lessonDraftPayloadSchema = z.object({
  lessonId: safeText().uuid(),
  topic: safeText().trim().min(3).max(500),
  audience: safeText().trim().min(1).max(200).default('adult learners'),
  /** Target length of the narration, in minutes. */
  minutes: z.number().min(0.5).max(30).default(3),
  tone: z.enum(LESSON_TONES).default('friendly'),
  /** Ask for an end-of-lesson quiz too. */
  withQuiz: z.boolean().default(false),
});
export type LessonDraftPayload = z.infer<typeof lessonDraftPayloadSchema>;

/** What the LLM must return (validated before anyone sees it); ids are added on apply. */
export const lessonDraftSchema = z
  .object({
    title: safeText().min(1).max(LESSON_LIMITS.maxTitleChars),
    sections: z
      .array(
        z.object({
          title: safeText().max(LESSON_LIMITS.maxSectionTitleChars),
          narration: safeText().min(1).max(LESSON_LIMITS.maxNarrationChars),
          slide: lessonSlideSchema.nullable().default(null),
        }),
      )
      .min(1)
      .max(LESSON_LIMITS.maxSections),
    quiz: z
      .object({
        questions: z
          .array(
            z
              .object({
                prompt: safeText().min(1).max(1000),
                choices: z.array(safeText().min(1).max(LESSON_LIMITS.maxChoiceChars)).min(2).max(6),
                answer: z.number().int().min(0),
              })
              .refine((q) => q.answer < q.choices.length, {
                message: 'answer must index one of the choices (0-based)',
                path: ['answer'],
              }),
          )
          .min(1)
          .max(LESSON_LIMITS.maxQuizQuestions),
      })
      .nullable()
      .default(null),
  })
  .refine((d) => narrationChars(d) <= LESSON_LIMITS.maxTotalNarrationChars, {
    message: `all narration together must stay within ${LESSON_LIMITS.maxTotalNarrationChars} characters`,
    path: ['sections'],
  });
export type LessonDraft = z.infer<typeof lessonDraftSchema>;
