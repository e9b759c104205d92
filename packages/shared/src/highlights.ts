import { z } from 'zod';
import { assetSchema, pageSchema, paginationQuerySchema } from './api';
import { safeText } from './text';

/**
 * Lecture highlights: a long recorded lecture in, ranked and explained highlight clips out.
 *
 * Where each part lives:
 * - the lecture (title, its video asset, deleted or not) is a Postgres row (`lectures`);
 * - the analysis is a `highlights.extract` job whose steps each store their result as a JSON asset
 *   (speech regions, transcript, layout spans, topics, candidates with their signals), named in
 *   the job's outputs (`HIGHLIGHT_OUTPUTS`), and served by the API under `/api/v1/lectures/{id}/…`;
 * - the team's steering (signal weights, picked and trimmed candidates) lives in the project's
 *   Y.Doc under `highlights` (`DOC_KEYS.highlights` → lecture id → Y.Map), so a weight moved by one
 *   member re-ranks for everyone live, with `rankCandidates` below and no model re-run;
 * - clips are rendered by a `highlights.clips` job from the chosen candidates.
 */

/** Bounds checked at upload and submit, and again by the worker. */
export const LECTURE_LIMITS = {
  /** Largest lecture video (bytes): 4 GiB. */
  maxBytes: 4 * 1024 ** 3,
  /** Longest lecture (seconds): 3 hours. */
  maxDurationSec: 3 * 3600,
  maxTitleChars: 200,
  /** Clip length bounds a team may ask for (seconds). */
  minClipSec: 5,
  maxClipSec: 180,
  /** Most clips one `highlights.clips` job renders. */
  maxClipsPerJob: 20,
} as const;

const seconds = z.number().min(0).max(LECTURE_LIMITS.maxDurationSec);

/** A stretch of the lecture, in seconds from its start. */
export const timeSpanSchema = z.object({ startSec: seconds, endSec: seconds });
export type TimeSpan = z.infer<typeof timeSpanSchema>;

/** A rectangle in the lecture video's pixels. */
export const boxSchema = z.object({
  x: z.number().min(0),
  y: z.number().min(0),
  width: z.number().positive(),
  height: z.number().positive(),
});
export type Box = z.infer<typeof boxSchema>;

/** Step 1: speech and silence from the audio (Silero VAD). */
export const speechRegionsSchema = z.object({
  speech: z.array(timeSpanSchema),
  silences: z.array(timeSpanSchema),
  durationSec: seconds,
});
export type SpeechRegions = z.infer<typeof speechRegionsSchema>;

export const transcriptWordSchema = z.object({
  word: safeText().max(100),
  startSec: seconds,
  endSec: seconds,
  /** Recognizer confidence 0–1 when it gives one. */
  confidence: z.number().min(0).max(1).optional(),
});
export type TranscriptWord = z.infer<typeof transcriptWordSchema>;

/** A sentence: its words are `words[firstWord .. lastWord]` (inclusive) of the transcript. */
export const transcriptSentenceSchema = timeSpanSchema.extend({
  text: safeText().max(5000),
  firstWord: z.number().int().min(0),
  lastWord: z.number().int().min(0),
});
export type TranscriptSentence = z.infer<typeof transcriptSentenceSchema>;

/** Step 2: the transcript with word timings, and which engine made it. */
export const transcriptSchema = z.object({
  /** e.g. `pocketsphinx (bundled)` or `openai-compatible: whisper-1 at http://…`. */
  engine: safeText().max(300),
  language: safeText().max(20).default('en'),
  words: z.array(transcriptWordSchema),
  sentences: z.array(transcriptSentenceSchema),
});
export type Transcript = z.infer<typeof transcriptSchema>;

export const LAYOUT_KINDS = ['slide', 'speaker', 'picture-in-picture'] as const;
export const layoutKindSchema = z.enum(LAYOUT_KINDS);
export type LayoutKind = z.infer<typeof layoutKindSchema>;

/** Step 3: what the frame shows between two scene changes, with the regions of each part. */
export const layoutSpanSchema = timeSpanSchema.extend({
  kind: layoutKindSchema,
  /** The slide's area (slide and picture-in-picture spans). */
  slide: boxSchema.nullable(),
  /** The speaker's face (speaker and picture-in-picture spans). */
  face: boxSchema.nullable(),
  /** Share of the frame covered by recognised text, 0–1. */
  textDensity: z.number().min(0).max(1),
  /** The slide's text (PP-OCR), in reading order. */
  slideText: safeText().max(5000),
});
export type LayoutSpan = z.infer<typeof layoutSpanSchema>;

/** Step 4: topic segments (TextTiling over the transcript, aligned to slide changes). */
export const topicSchema = timeSpanSchema.extend({
  index: z.number().int().min(0),
  /** The terms that carry the topic, most distinctive first. */
  keyphrases: z.array(safeText().max(100)).max(20),
});
export type Topic = z.infer<typeof topicSchema>;

/**
 * The signals a candidate is scored on, each normalised to 0–1 across the lecture's candidates:
 * - `keyphrase`: density of slide terms that are also spoken, TF-IDF against the whole lecture;
 * - `emphasis`: loudness and pitch deviation, and speaking rate, against the speaker's norm;
 * - `cue`: cue phrases ("the key idea", "in summary", "remember") and questions;
 * - `structure`: starts at a slide change or a topic boundary, covers one topic whole;
 * - `pause`: clean pauses around it (a self-contained thought);
 * - `llm`: the configured LLM's judgement (absent without a provider).
 */
export const SIGNALS = ['keyphrase', 'emphasis', 'cue', 'structure', 'pause', 'llm'] as const;
export const signalSchema = z.enum(SIGNALS);
export type Signal = z.infer<typeof signalSchema>;

/** Steps 5 and 6: a candidate segment that starts and ends in pauses at sentence boundaries. */
export const candidateSchema = timeSpanSchema.extend({
  /** Stable within one analysis: `c<startMs>-<endMs>`. */
  id: safeText().min(1).max(64),
  text: safeText().max(20_000),
  topicIndex: z.number().int().min(0),
  /** Each signal's value 0–1 (`llm` only when a provider judged it). */
  signals: z.partialRecord(signalSchema, z.number().min(0).max(1)),
  /** Why, in sentences a person reads: one per signal that stands out (e.g. says "in summary"). */
  reasons: z.array(safeText().max(500)).max(12),
  /** The LLM's stated reason, when one judged it. */
  llmReason: safeText().max(1000).nullable().default(null),
});
export type Candidate = z.infer<typeof candidateSchema>;

export const candidatesSchema = z.object({
  candidates: z.array(candidateSchema),
  /** The clip length bounds they were cut with. */
  minClipSec: z.number(),
  maxClipSec: z.number(),
});
export type Candidates = z.infer<typeof candidatesSchema>;

/** Weights the team sets per signal (0–1); missing signals weigh their default. */
export const signalWeightsSchema = z.partialRecord(signalSchema, z.number().min(0).max(1));
export type SignalWeights = z.infer<typeof signalWeightsSchema>;

export const DEFAULT_SIGNAL_WEIGHTS: Readonly<Record<Signal, number>> = {
  keyphrase: 0.3,
  emphasis: 0.15,
  cue: 0.25,
  structure: 0.15,
  pause: 0.15,
  llm: 0.3,
};

/** One signal's part in a candidate's score. */
export interface Contribution {
  signal: Signal;
  /** The signal's value, 0–1. */
  value: number;
  /** Its weight, 0–1. */
  weight: number;
  /** Points of the 0–100 score it brings. */
  points: number;
}

export interface RankedCandidate {
  candidate: Candidate;
  /** 0–100: the weighted mean of the candidate's signals. */
  score: number;
  contributions: Contribution[];
  rank: number;
}

/**
 * The one scoring formula (server, worker and web): a candidate's score is the weighted mean of
 * the signals it has, × 100; each contribution is its share of that. Signals a candidate lacks
 * (no `llm` without a provider) are left out of its mean rather than counted as 0. Ties keep the
 * earlier candidate first.
 */
export function rankCandidates(
  candidates: readonly Candidate[],
  weights: SignalWeights = {},
): RankedCandidate[] {
  const scored = candidates.map((candidate, order) => {
    const present = SIGNALS.filter((s) => candidate.signals[s] !== undefined);
    const w = (s: Signal) => weights[s] ?? DEFAULT_SIGNAL_WEIGHTS[s];
    const total = present.reduce((sum, s) => sum + w(s), 0);
    const contributions = present.map((signal) => {
      const value = candidate.signals[signal]!;
      const weight = w(signal);
      return { signal, value, weight, points: total > 0 ? (100 * weight * value) / total : 0 };
    });
    const score = contributions.reduce((sum, c) => sum + c.points, 0);
    return { candidate, score: Math.round(score * 10) / 10, contributions, order };
  });
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  return scored.map(({ order: _order, ...r }, i) => ({ ...r, rank: i + 1 }));
}

/**
 * The team's steering of one lecture, in the project document (`highlights` → lecture id → Y.Map
 * with these keys; `picks` a Y.Map of candidate id → plain JSON value).
 */
export const lectureSteeringSchema = z.object({
  weights: signalWeightsSchema.default({}),
  /** Candidates picked for clips, with the team's trim (seconds added to start/end; may be < 0). */
  picks: z
    .record(
      safeText().max(64),
      z.object({
        trimStartSec: z.number().min(-30).max(30).default(0),
        trimEndSec: z.number().min(-30).max(30).default(0),
      }),
    )
    .default({}),
});
export type LectureSteering = z.infer<typeof lectureSteeringSchema>;

/** The `layout` result file: the spans in time order (a bare array is read as the spans too). */
export const layoutResultSchema = z.preprocess(
  (v) => (Array.isArray(v) ? { spans: v } : v),
  z.object({ spans: z.array(layoutSpanSchema) }),
);
export type LayoutResult = z.infer<typeof layoutResultSchema>;

/** The `topics` result file: the topics in time order (a bare array is read as the topics too). */
export const topicsResultSchema = z.preprocess(
  (v) => (Array.isArray(v) ? { topics: v } : v),
  z.object({ topics: z.array(topicSchema) }),
);
export type TopicsResult = z.infer<typeof topicsResultSchema>;

/**
 * Reads the steering of one lecture from the plain value of its Y.Map (`map.toJSON()`), keeping
 * every valid weight and pick and dropping the rest, so one bad entry written by an old client
 * never hides the team's other choices.
 */
export function readSteering(value: unknown): LectureSteering {
  const v = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const weights: SignalWeights = {};
  const rawWeights = (v.weights && typeof v.weights === 'object' ? v.weights : {}) as Record<string, unknown>;
  for (const s of SIGNALS) {
    const w = rawWeights[s];
    if (typeof w === 'number' && w >= 0 && w <= 1) weights[s] = w;
  }
  const picks: LectureSteering['picks'] = {};
  const rawPicks = (v.picks && typeof v.picks === 'object' ? v.picks : {}) as Record<string, unknown>;
  for (const [id, pick] of Object.entries(rawPicks)) {
    const parsed = lectureSteeringSchema.shape.picks.unwrap().valueType.safeParse(pick ?? {});
    if (id.length <= 64 && parsed.success) picks[id] = parsed.data;
  }
  return { weights, picks };
}

/** The JSON results a `highlights.extract` job names in its outputs (each an asset, JSON). */
export const HIGHLIGHT_OUTPUTS = {
  speech: 'speech-regions',
  transcript: 'transcript',
  layout: 'layout',
  topics: 'topics',
  candidates: 'candidates',
  /** Sidecar subtitle assets of the whole lecture. */
  srt: 'transcript-srt',
  vtt: 'transcript-vtt',
} as const;

// ---------- Postgres-backed objects and their API bodies ----------

export const lectureSchema = z.object({
  id: safeText().uuid(),
  projectId: safeText().uuid(),
  title: safeText(),
  /** The uploaded video (an asset of the project). */
  assetId: safeText().uuid(),
  durationSec: z.number().nullable(),
  /** The newest `highlights.extract` job, if any. */
  analysisJobId: safeText().uuid().nullable(),
  createdBy: safeText().uuid().nullable(),
  createdAt: safeText(),
});
export type Lecture = z.infer<typeof lectureSchema>;

export const createLectureBodySchema = z.object({
  title: safeText().trim().min(1).max(LECTURE_LIMITS.maxTitleChars),
  assetId: safeText().uuid(),
});

/** `PATCH /api/v1/lectures/:id`: rename. */
export const updateLectureBodySchema = z.object({
  title: safeText().trim().min(1).max(LECTURE_LIMITS.maxTitleChars),
});
/** `GET /api/v1/projects/:id/lectures`: newest first, keyset cursor over (created_at, id). */
export const listLecturesQuerySchema = paginationQuerySchema;
export const lecturePageSchema = pageSchema(lectureSchema);

/** Where an analysis result came from: the completed `highlights.extract` job and its output asset. */
export const analysisSourceSchema = z.object({
  jobId: safeText().uuid(),
  assetId: safeText().uuid(),
  finishedAt: safeText().nullable(),
});

/**
 * `GET /api/v1/lectures/:id/candidates`: the analysis' candidates ranked by `rankCandidates` with
 * the team's current weights from the project document (`weights`: what was applied, defaults
 * filled in), each with its score, rank and per-signal contributions.
 */
export const rankedCandidatesResponseSchema = z.object({
  source: analysisSourceSchema,
  weights: z.record(signalSchema, z.number()),
  minClipSec: z.number(),
  maxClipSec: z.number(),
  items: z.array(
    z.object({
      candidate: candidateSchema,
      score: z.number(),
      rank: z.number().int().min(1),
      contributions: z.array(
        z.object({ signal: signalSchema, value: z.number(), weight: z.number(), points: z.number() }),
      ),
    }),
  ),
});
export type RankedCandidatesResponse = z.infer<typeof rankedCandidatesResponseSchema>;

/** `GET /api/v1/lectures/:id/clips`: the lecture's completed `highlights.clips` jobs, newest first. */
export const lectureClipsResponseSchema = z.object({
  items: z.array(
    z.object({
      jobId: safeText().uuid(),
      finishedAt: safeText().nullable(),
      /** The job's payload as submitted (clips, aspects, layout). */
      params: z.record(safeText(), z.unknown()),
      /** Every output that is an asset, with signed download URLs. */
      outputs: z.array(z.object({ name: safeText(), asset: assetSchema })),
    }),
  ),
});
export type LectureClipsResponse = z.infer<typeof lectureClipsResponseSchema>;

// ---------- job payloads ----------

/** How the transcript is made: the bundled PocketSphinx, or the configured transcription provider. */
export const TRANSCRIBERS = ['local', 'provider'] as const;

/** `highlights.extract`: analyse a lecture (steps 1–6) into ranked, explained candidates. */
export const highlightsExtractPayloadSchema = z
  .object({
    lectureId: safeText().uuid(),
    transcriber: z.enum(TRANSCRIBERS).default('local'),
    minClipSec: z.number().min(LECTURE_LIMITS.minClipSec).max(LECTURE_LIMITS.maxClipSec).default(20),
    maxClipSec: z.number().min(LECTURE_LIMITS.minClipSec).max(LECTURE_LIMITS.maxClipSec).default(90),
    /** Ask the configured LLM to judge the best candidates too (when one is configured). */
    llm: z.boolean().default(false),
  })
  .refine((p) => p.minClipSec < p.maxClipSec, {
    message: 'minClipSec must be below maxClipSec',
    path: ['minClipSec'],
  });
export type HighlightsExtractPayload = z.infer<typeof highlightsExtractPayloadSchema>;

export const CLIP_ASPECTS = ['9:16', '1:1', '16:9'] as const;
/** File-name form of an aspect (`9:16` → `9x16`), as in the clips' output names `clip-<n>-9x16`. */
export const clipAspectKey = (aspect: string) => aspect.replace(':', 'x');
/**
 * `speaker`: a smoothed face-tracked crop of the speaker; `split`: the slide above the speaker;
 * `slide`: the slide alone.
 */
export const CLIP_LAYOUTS = ['speaker', 'split', 'slide'] as const;

/** `highlights.clips`: render chosen stretches of an analysed lecture as captioned clips. */
export const highlightsClipsPayloadSchema = z.object({
  lectureId: safeText().uuid(),
  /** The completed `highlights.extract` job whose results the clips are cut from. */
  analysisJobId: safeText().uuid(),
  /** Each within the lecture (checked at submit) and `LECTURE_LIMITS.minClipSec`–`maxClipSec` long. */
  clips: z
    .array(
      timeSpanSchema
        .extend({
          candidateId: safeText().max(64),
        })
        .refine(
          (c) =>
            c.endSec - c.startSec >= LECTURE_LIMITS.minClipSec - 1e-6 &&
            c.endSec - c.startSec <= LECTURE_LIMITS.maxClipSec + 1e-6,
          {
            message: `A clip must be ${LECTURE_LIMITS.minClipSec}–${LECTURE_LIMITS.maxClipSec} s long (endSec after startSec).`,
            path: ['endSec'],
          },
        ),
    )
    .min(1)
    .max(LECTURE_LIMITS.maxClipsPerJob),
  aspects: z
    .array(z.enum(CLIP_ASPECTS))
    .min(1)
    .max(3)
    .refine((a) => new Set(a).size === a.length, { message: 'Each aspect at most once.' })
    .default(['9:16']),
  layout: z.enum(CLIP_LAYOUTS).default('speaker'),
  burnCaptions: z.boolean().default(true),
});
export type HighlightsClipsPayload = z.infer<typeof highlightsClipsPayloadSchema>;
