import { z } from 'zod';
import { pageSchema } from './api';
import {
  brandSnapshotSchema,
  briefDraftPayloadSchema,
  renderVariantsPayloadSchema,
  variantSchema,
} from './campaigns';
import { aspectRatioSchema, resolutionSchema, transitionSchema } from './document';
import { highlightsClipsPayloadSchema, highlightsExtractPayloadSchema } from './highlights';
import { exportLmsPayloadSchema, lessonDraftPayloadSchema, portraitLessonPayloadSchema } from './lessons';
import { safeText } from './text';

/** Every job ends in exactly one of completed, failed, cancelled. */
export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export const jobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof jobStatusSchema>;
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

/** Which queue a job's steps run on: `gpu` workers also take `cpu` work when idle. */
export const resourceClassSchema = z.enum(['gpu', 'cpu']);
export type ResourceClass = z.infer<typeof resourceClassSchema>;

const uuid = safeText().uuid();

export const renderPresetSchema = z.object({
  resolution: resolutionSchema.default('720p'),
  aspectRatio: aspectRatioSchema.default('16:9'),
  burnSubtitles: z.boolean().default(false),
  transition: transitionSchema.optional(),
});

/**
 * Job type → payload schema. The API parses before enqueueing; the worker parses again on pick-up.
 * Only types a pipeline implements are here: the worker's registry is typed over these keys, so a
 * type without a pipeline does not compile.
 */
export const jobPayloadSchemas = {
  'assets.derive': z.object({ assetId: uuid, stripFrames: z.number().int().min(1).max(24).default(8) }),
  'render.video': z.object({
    preset: renderPresetSchema.prefault({}),
    final: z.boolean().default(false),
    /** The project's campaign brand kit as pinned at submit (the API writes it; null: none). */
    brand: brandSnapshotSchema.nullable().default(null),
  }),
  'render.variants': renderVariantsPayloadSchema,
  'scene.frame': z.object({ sceneId: safeText().min(1).max(64) }),
  'scene.variations': z.object({ sceneId: safeText().min(1).max(64), count: z.number().int().min(1).max(8) }),
  'lesson.draft': lessonDraftPayloadSchema,
  'export.lms': exportLmsPayloadSchema,
  'portrait.lesson': portraitLessonPayloadSchema,
  'highlights.extract': highlightsExtractPayloadSchema,
  'highlights.clips': highlightsClipsPayloadSchema,
  'brief.draft': briefDraftPayloadSchema,
} as const;

export type JobType = keyof typeof jobPayloadSchemas;
export const JOB_TYPES = Object.keys(jobPayloadSchemas) as JobType[];
export const jobTypeSchema = z.enum(JOB_TYPES as [JobType, ...JobType[]]);
export type JobPayload<T extends JobType> = z.infer<(typeof jobPayloadSchemas)[T]>;

export interface JobDefinition {
  /** What a person reads in the UI. */
  title: string;
  resourceClass: ResourceClass;
  /** BullMQ priority: 1 is most urgent; larger numbers wait. */
  priority: number;
  /** Per-step wall clock limit in seconds; past it the step fails (and may retry). */
  timeoutSec: number;
  /** Attempts per step, the first included. */
  attempts: number;
  /** First retry delay; each further retry waits three times longer (`retryDelayMs`: 5 s → 15 s → 45 s). */
  backoffMs: number;
  /** Ordered step names; per-scene steps are expanded by the plan (`planJob`). */
  steps: readonly string[];
  /**
   * Cold-start work model per step: `baseSec + secPerUnit × units` worker-seconds, where units
   * count what the step works through (seconds of video, frames). Used for the cost estimate and
   * the progress weights until this deployment has measured history (`step_timings`).
   */
  work: Readonly<Record<string, StepWorkModel>>;
  /**
   * The payload carries `final: boolean`, and a run with `final: true` is a final render: it waits
   * until every scene is approved where the project or its campaign asks for that (`isFinalRender`).
   * Every type whose payload has a `final` field must say so here (a test in jobs.test.ts checks).
   */
  finalRender?: boolean;
}

/** How much longer each further retry of a step waits than the one before. */
export const RETRY_BACKOFF_FACTOR = 3;

/**
 * The wait before retry `retry` (1 = the first) of a step whose first retry waits `firstMs`:
 * exponential by RETRY_BACKOFF_FACTOR, so a 5 s backoff retries after 5 s, 15 s, 45 s.
 */
export function retryDelayMs(firstMs: number, retry: number): number {
  return Math.round(firstMs * RETRY_BACKOFF_FACTOR ** Math.max(0, retry - 1));
}

/**
 * What a step's duration grows with: `step` (fixed work), `scene-sec` / `film-sec` (seconds of
 * video in its scene / the whole film), `frame` (images drawn), `media-sec` (seconds of an uploaded
 * recording a job analyses, e.g. a lecture), `clip-sec` (seconds of one lecture clip).
 */
export const WORK_UNITS = ['step', 'scene-sec', 'film-sec', 'frame', 'media-sec', 'clip-sec'] as const;
export type WorkUnit = (typeof WORK_UNITS)[number];

/** Expected worker-seconds of one step: `baseSec + secPerUnit × units`. */
export interface StepWorkModel {
  unit: WorkUnit;
  baseSec: number;
  secPerUnit: number;
}

/** The job catalog: everything the API and workers need to know about each job type. */
export const JOB_CATALOG: Readonly<Record<JobType, JobDefinition>> = {
  'assets.derive': {
    title: 'Thumbnails and preview strip',
    resourceClass: 'cpu',
    priority: 5,
    timeoutSec: 300,
    attempts: 3,
    backoffMs: 2_000,
    steps: ['probe', 'thumbnail', 'strip'],
    work: {
      probe: { unit: 'step', baseSec: 0.3, secPerUnit: 0 },
      thumbnail: { unit: 'step', baseSec: 0.5, secPerUnit: 0 },
      strip: { unit: 'step', baseSec: 1.5, secPerUnit: 0 },
    },
  },
  'render.video': {
    title: 'Render video',
    resourceClass: 'gpu',
    priority: 10,
    timeoutSec: 1_800,
    attempts: 3,
    backoffMs: 5_000,
    steps: ['frame', 'voice', 'shot', 'music', 'assemble'],
    finalRender: true,
    // Measured on a 2-core x86 worker with CPU models (warm): docs/benchmarks.md, bench:jobs.
    work: {
      frame: { unit: 'frame', baseSec: 0, secPerUnit: 0.2 },
      voice: { unit: 'scene-sec', baseSec: 0.15, secPerUnit: 0.08 },
      shot: { unit: 'scene-sec', baseSec: 0.15, secPerUnit: 0.14 },
      music: { unit: 'film-sec', baseSec: 0.45, secPerUnit: 0.005 },
      assemble: { unit: 'film-sec', baseSec: 0.6, secPerUnit: 0.1 },
    },
  },
  'render.variants': {
    title: 'Render platform variants',
    // Its `final: true` waits for the storyboard's approvals, as a final render.video does.
    finalRender: true,
    resourceClass: 'gpu',
    priority: 10,
    timeoutSec: 1_800,
    attempts: 3,
    backoffMs: 5_000,
    // Shared once for the whole matrix: a plate per scene (`frame`), its voice, the music bed; then
    // `shots` (every scene of every variant, per aspect) and `assemble` (every variant's film).
    steps: ['frame', 'voice', 'music', 'shots', 'assemble'],
    // frame: one plate per scene on the matrix's square canvas (bigger than one aspect's frame);
    // voice and music as render.video; shots and assemble: seconds of video summed over the
    // variants (each variant fitted to its length). Cold guesses from render.video's models;
    // measured runs replace them (docs/benchmarks.md, bench:variants).
    work: {
      frame: { unit: 'frame', baseSec: 0, secPerUnit: 0.3 },
      voice: { unit: 'scene-sec', baseSec: 0.15, secPerUnit: 0.08 },
      music: { unit: 'film-sec', baseSec: 0.45, secPerUnit: 0.005 },
      shots: { unit: 'film-sec', baseSec: 0.3, secPerUnit: 0.14 },
      assemble: { unit: 'film-sec', baseSec: 0.6, secPerUnit: 0.1 },
    },
  },
  'scene.frame': {
    title: 'Regenerate scene frame',
    resourceClass: 'gpu',
    priority: 3,
    timeoutSec: 600,
    attempts: 3,
    backoffMs: 2_000,
    steps: ['frame'],
    work: { frame: { unit: 'frame', baseSec: 0, secPerUnit: 0.8 } },
  },
  'scene.variations': {
    title: 'Frame variations',
    resourceClass: 'gpu',
    priority: 4,
    timeoutSec: 900,
    attempts: 3,
    backoffMs: 2_000,
    steps: ['frame'],
    work: { frame: { unit: 'frame', baseSec: 0, secPerUnit: 0.8 } },
  },
  'lesson.draft': {
    title: 'Draft a lesson script',
    // The worker only waits on the LLM provider's HTTP answer: no GPU, little CPU.
    resourceClass: 'cpu',
    priority: 3,
    // Two provider requests at most (a first answer and one correction), each bounded by the
    // worker's PROVIDER_TIMEOUT_MS (120 s by default).
    timeoutSec: 300,
    attempts: 2,
    backoffMs: 5_000,
    steps: ['draft'],
    // A cold guess for a hosted model writing a few minutes of narration; measured runs replace it.
    work: { draft: { unit: 'step', baseSec: 20, secPerUnit: 0 } },
  },
  'export.lms': {
    title: 'Export for an LMS (SCORM, cmi5)',
    resourceClass: 'cpu',
    priority: 6,
    timeoutSec: 600,
    attempts: 3,
    backoffMs: 2_000,
    steps: ['package'],
    // One zip of the lesson's video, captions, poster, player and manifest: reading the video from
    // the store and writing it into the zip grows with its length (units: seconds of the video).
    // Measured on a 2-core x86 worker, 720p at ~1.5 Mb/s, 4–180 s (`npm run bench:lms -w
    // @clapboard/gpu-worker`): 0.07–0.16 s at 4 s, 0.8–1.0 s at 180 s; Theil–Sen fit 0.05 + 0.0046/s.
    work: { package: { unit: 'film-sec', baseSec: 0.05, secPerUnit: 0.005 } },
  },
  'portrait.lesson': {
    title: 'Render a portrait lesson',
    // Everything runs on CPU: the face model (TF.js WASM), festival, the warp in JS and libx264.
    resourceClass: 'cpu',
    priority: 8,
    timeoutSec: 1_800,
    attempts: 3,
    backoffMs: 5_000,
    // `check` finds the face before anything costly; a preview draws `still` frames (one per
    // section), a final render `animate`s the presenter. Units: seconds of the lesson video.
    steps: ['check', 'voice', 'still', 'animate', 'assemble'],
    // Measured on a 2-core x86 worker shared with other work, a 186 s lesson at 720p (docs/benchmarks.md,
    // bench:lesson): check 0.6–0.8 s, voice 2.4 s, still 6.8 s (5 fps), animate 62 s (25 fps),
    // assemble 2.1 s.
    work: {
      check: { unit: 'step', baseSec: 0.8, secPerUnit: 0 },
      voice: { unit: 'film-sec', baseSec: 0.3, secPerUnit: 0.015 },
      still: { unit: 'film-sec', baseSec: 0.3, secPerUnit: 0.035 },
      animate: { unit: 'film-sec', baseSec: 0.5, secPerUnit: 0.33 },
      assemble: { unit: 'film-sec', baseSec: 0.3, secPerUnit: 0.011 },
    },
  },
  'highlights.extract': {
    title: 'Analyse a lecture for highlights',
    // Models run on the CPU here (Silero VAD, PocketSphinx, PP-OCR, face detection) and FFmpeg
    // decodes; a GPU worker takes cpu work when idle.
    resourceClass: 'cpu',
    priority: 7,
    // A 3-hour lecture at the measured rates stays well inside an hour per step.
    timeoutSec: 3_600,
    attempts: 2,
    backoffMs: 10_000,
    steps: ['speech', 'transcript', 'layout', 'topics', 'candidates'],
    // Units: seconds of the lecture. Cold models from one `npm run bench:highlights` run (2-core
    // x86 under load, a 20-minute 640×360 synthetic lecture with 60 scene spans: speech 0.024,
    // transcript 0.247, layout 0.14, candidates 0.003 s per second); measured runs replace them.
    work: {
      speech: { unit: 'media-sec', baseSec: 1, secPerUnit: 0.024 },
      transcript: { unit: 'media-sec', baseSec: 1, secPerUnit: 0.25 },
      layout: { unit: 'media-sec', baseSec: 2, secPerUnit: 0.14 },
      topics: { unit: 'media-sec', baseSec: 0.2, secPerUnit: 0.0002 },
      candidates: { unit: 'media-sec', baseSec: 0.5, secPerUnit: 0.003 },
    },
  },
  'highlights.clips': {
    title: 'Render lecture clips',
    // FFmpeg decode/encode and face detection on the CPU (H100/H200 have no NVENC): any worker.
    resourceClass: 'cpu',
    priority: 6,
    // One step is one clip (≤ 180 s) in up to three aspects.
    timeoutSec: 1_800,
    attempts: 3,
    backoffMs: 5_000,
    // Per clip: `prepare` (face track on sampled frames, loudness measured), then `encode` of every
    // aspect (crop/layout, captions, loudness-normalised H.264/AAC, sidecars, thumbnail).
    steps: ['prepare', 'encode'],
    // Units: seconds of the clip (`encode`: × the number of aspects). Measured on a 2-core x86
    // worker, 20 s of a 720p lecture (`npm run bench:clips -w @clapboard/gpu-worker`): prepare
    // 2.9 s tracked, 0.9 s not; encode 3.6–7.3 s per aspect (docs/highlights.md).
    work: {
      prepare: { unit: 'clip-sec', baseSec: 0.5, secPerUnit: 0.15 },
      encode: { unit: 'clip-sec', baseSec: 0.5, secPerUnit: 0.3 },
    },
  },
  'brief.draft': {
    title: 'Draft a storyboard from a brief',
    // As lesson.draft: the worker waits on the LLM provider's answer; no GPU, little CPU.
    resourceClass: 'cpu',
    priority: 3,
    // Two provider requests at most (a first answer and one correction), each bounded by the
    // worker's PROVIDER_TIMEOUT_MS (120 s by default), then one document write.
    timeoutSec: 300,
    attempts: 2,
    backoffMs: 5_000,
    steps: ['draft'],
    // A cold guess for a hosted model writing a short ad storyboard; measured runs replace it.
    work: { draft: { unit: 'step', baseSec: 15, secPerUnit: 0 } },
  },
};

/**
 * Whether a submission is a final render (a catalog type flagged `finalRender` whose parameters
 * say `final: true`): the job submission gates those on scene approvals. Unknown types are not.
 */
export function isFinalRender(type: string, params: unknown): boolean {
  const def = (JOB_CATALOG as Readonly<Record<string, JobDefinition | undefined>>)[type];
  return def?.finalRender === true && (params as { final?: unknown } | null)?.final === true;
}

/** Price per worker-second, in USD, by resource class (configurable per deployment later). */
export const DEFAULT_RATES_USD_PER_SEC: Readonly<Record<ResourceClass, number>> = {
  gpu: 0.0008,
  cpu: 0.0001,
};

/** Live progress, emitted to `job:<id>` and `project:<id>` and kept in Postgres for polling clients. */
export const jobProgressSchema = z.object({
  jobId: uuid,
  stage: safeText().max(100),
  /** Percent complete, 0 to 100. */
  progress: z.number().min(0).max(100),
  /** Seconds left, when the worker can tell. */
  etaSec: z.number().min(0).nullable(),
  message: safeText().max(500),
  previewAssetId: uuid.optional(),
  step: safeText().max(100).optional(),
  /** The run this event belongs to (1, then one more per retry); a watcher drops older runs' events. */
  run: z.number().int().min(1).optional(),
  /** Percent of `step` itself, 0 to 100 (`progress` is the whole job's). */
  stepProgress: z.number().min(0).max(100).optional(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;

export const jobOutputSchema = z.object({
  name: safeText(),
  assetId: uuid.optional(),
  value: z.unknown().optional(),
});
export type JobOutput = z.infer<typeof jobOutputSchema>;

/** Sent exactly once per job, when it reaches a terminal status. */
export const jobFinishedSchema = z.object({
  jobId: uuid,
  status: z.enum(['completed', 'failed', 'cancelled']),
  error: safeText().max(2000).optional(),
  outputs: z.array(jobOutputSchema),
  /** The run that ended (see `jobProgressSchema.run`). */
  run: z.number().int().min(1).optional(),
});
export type JobFinished = z.infer<typeof jobFinishedSchema>;

/** A job as the API returns it. */
export const jobSchema = z.object({
  id: uuid,
  projectId: uuid,
  type: jobTypeSchema,
  status: jobStatusSchema,
  /** 1 for the first run, one more per retry; progress and finish events name theirs. */
  run: z.number().int().min(1),
  params: z.record(safeText(), z.unknown()),
  priority: z.number().int(),
  progress: jobProgressSchema.nullable(),
  outputs: z.array(jobOutputSchema),
  error: safeText().nullable(),
  costEstimateUsd: z.number(),
  costActualUsd: z.number(),
  /** Worker-seconds the estimate expected (its plan's steps), and what the ledger measured so far. */
  estimatedSec: z.number(),
  actualSec: z.number(),
  versionId: uuid.nullable(),
  createdBy: uuid.nullable(),
  createdAt: safeText(),
  startedAt: safeText().nullable(),
  finishedAt: safeText().nullable(),
});
export type Job = z.infer<typeof jobSchema>;

/** `GET /api/v1/job-types`: what this deployment can run now, with the learned work models. */
export const jobTypeInfoSchema = z.object({
  type: jobTypeSchema,
  title: safeText(),
  resourceClass: resourceClassSchema,
  /** True when at least one live worker announces this pipeline on a queue it consumes. */
  available: z.boolean(),
  /** Why not, for a person, when unavailable. */
  reason: safeText().nullable(),
  /** Work model per catalog step: the deployment's measured one, else the catalog's cold start. */
  work: z.record(
    safeText(),
    z.object({
      unit: z.enum(WORK_UNITS),
      baseSec: z.number(),
      secPerUnit: z.number(),
      samples: z.number().int(),
    }),
  ),
  usdPerSec: z.number(),
});
export type JobTypeInfo = z.infer<typeof jobTypeInfoSchema>;

/** BullMQ queue names by resource class. */
export const QUEUE_NAMES: Readonly<Record<ResourceClass, string>> = {
  gpu: 'clapboard-gpu',
  cpu: 'clapboard-cpu',
};

/** `POST /api/v1/projects/:id/jobs`: the payload is parsed again against `jobPayloadSchemas[type]`. */
export const createJobBodySchema = z.object({
  type: jobTypeSchema,
  params: z.record(safeText(), z.unknown()).default({}),
  /** Same key within a project → the same job is returned instead of a second one. */
  idempotencyKey: safeText().min(1).max(200).optional(),
  /** Override the catalog's priority (1 most urgent). */
  priority: z.number().int().min(1).max(1000).optional(),
});
export type CreateJobBody = z.infer<typeof createJobBodySchema>;

export const listJobsQuerySchema = z.object({
  status: jobStatusSchema.optional(),
  type: jobTypeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: safeText().max(200).optional(),
});

export const updateJobBodySchema = z.object({ priority: z.number().int().min(1).max(1000) });

/** A step of a job as the API returns it. */
export const jobStepSchema = z.object({
  name: safeText(),
  status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled', 'reused']),
  progress: z.number(),
  attempts: z.number().int(),
  error: safeText().nullable(),
  startedAt: safeText().nullable(),
  finishedAt: safeText().nullable(),
  /** What the step made (or, when reused, what it stands for): frames, voice lines, shot parts. */
  outputs: z.array(jobOutputSchema),
});
export type JobStep = z.infer<typeof jobStepSchema>;

/** The cost figures a 402 carries, and a 202 carries when a soft budget is passed. */
export const budgetFiguresSchema = z.object({
  estimateUsd: z.number(),
  spentUsd: z.number(),
  reservedUsd: z.number(),
  softLimitUsd: z.number().nullable(),
  hardLimitUsd: z.number().nullable(),
  remainingUsd: z.number().nullable(),
});
export type BudgetFigures = z.infer<typeof budgetFiguresSchema>;

/** `GET /projects/:id/jobs` and `GET /jobs`: one page of jobs, newest first. */
export const jobPageSchema = pageSchema(jobSchema);
export type JobPage = z.infer<typeof jobPageSchema>;
/** `GET /jobs/:id`: the job with its steps and the warnings its submission gave. */
export const jobDetailSchema = jobSchema.extend({
  steps: z.array(jobStepSchema),
  warnings: z.array(safeText()),
});
export type JobDetail = z.infer<typeof jobDetailSchema>;
/** `POST /projects/:id/jobs` (202): the queued job (or the one for this idempotency key) and its cost. */
export const submittedJobSchema = z.object({
  job: jobSchema,
  warnings: z.array(safeText()),
  budget: budgetFiguresSchema,
});
export type SubmittedJob = z.infer<typeof submittedJobSchema>;
/** `POST /projects/:id/variants` (202): the queued `render.variants` job and its variants' rows. */
export const submittedVariantRenderSchema = submittedJobSchema.extend({ variants: z.array(variantSchema) });
export type SubmittedVariantRender = z.infer<typeof submittedVariantRenderSchema>;
/** `POST /jobs/:id/cancel` and `/retry` (202): the job as it is now. */
export const jobActionResponseSchema = z.object({ job: jobSchema });
/** `PATCH /jobs/:id`: the job and how many of its queued steps moved. */
export const jobUpdatedResponseSchema = z.object({ job: jobSchema, stepsReprioritized: z.number() });
/** `GET /job-types`: the catalog as this deployment runs it. */
export const jobTypesResponseSchema = z.object({ items: z.array(jobTypeInfoSchema) });
