import { z } from 'zod';
import { safeText } from './text';

/**
 * What a model does, as the product uses it. Bundled models cover the first group; user models in
 * `MODELS_DIR` declare `text-to-image`.
 */
export const MODEL_TASKS = [
  'voice-activity',
  'matting',
  'ocr-detection',
  'ocr-recognition',
  'face-detection',
  'noise-suppression',
  'speech-synthesis',
  'speech-recognition',
  'text-to-image',
  'text-to-music',
  'chat',
] as const;
export const modelTaskSchema = z.enum(MODEL_TASKS);
export type ModelTask = z.infer<typeof modelTaskSchema>;

/** ONNX tensor element types a manifest may name. */
export const tensorDtypeSchema = z.enum(['float32', 'float16', 'int64', 'int32', 'uint8', 'int8', 'bool']);
export type TensorDtype = z.infer<typeof tensorDtypeSchema>;

/** One declared input or output: its graph name, element type and shape (a string = symbolic dim). */
export const tensorSpecSchema = z.object({
  name: safeText().min(1).max(200),
  dtype: tensorDtypeSchema,
  shape: z.array(z.union([z.number().int().min(1), safeText().min(1).max(50)])).max(8),
});
export type TensorSpec = z.infer<typeof tensorSpecSchema>;

const manifestBase = z.object({
  /** Unique within the worker; also the folder name is used when it differs. */
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, ".", "_" or "-", at most 64'),
  version: safeText().min(1).max(50).default('1'),
  /** SPDX id or a short licence name; shown to users before they use the model's output. */
  license: safeText().min(1).max(100),
  /** Where the weights came from (URL or a sentence), for provenance. */
  source: safeText().min(1).max(500),
  /** The ONNX file, relative to the manifest's folder. */
  file: z
    .string()
    .min(1)
    .max(200)
    .refine((f) => !f.startsWith('/') && !f.split(/[\\/]/).includes('..'), 'must stay inside the folder'),
  inputs: z.array(tensorSpecSchema).min(1).max(16),
  outputs: z.array(tensorSpecSchema).min(1).max(16),
});

/**
 * A text-to-image ONNX export: token ids (+ optional seeded noise) in, an image tensor
 * `[1, 3, H, W]` out. The tokenizer turns the prompt into ids: `bytes` (UTF-8 bytes + offset) or a
 * `vocab` JSON file (word → id) with `unknownId`.
 */
export const textToImageManifestSchema = manifestBase.extend({
  task: z.literal('text-to-image'),
  io: z.object({
    inputIds: safeText().min(1),
    noise: safeText().min(1).optional(),
    image: safeText().min(1),
  }),
  tokenizer: z.discriminatedUnion('type', [
    z.object({ type: z.literal('bytes'), offset: z.number().int().min(0).default(0) }),
    z.object({ type: z.literal('vocab'), file: safeText().min(1), unknownId: z.number().int().min(0) }),
  ]),
  /** Length the ids are padded/truncated to. */
  maxTokens: z.number().int().min(1).max(4096),
  padId: z.number().int().min(0).default(0),
  /** Range of the output pixels: `[-1, 1]` (diffusion VAE) or `[0, 1]`. */
  outputRange: z.enum(['zero-one', 'minus-one-one']).default('minus-one-one'),
});
export type TextToImageManifest = z.infer<typeof textToImageManifestSchema>;

/** `MODELS_DIR/<folder>/manifest.json`: one user-supplied model. */
export const modelManifestSchema = textToImageManifestSchema;
/** The tasks a user model may declare: those a pipeline runs with a user's model. */
export const USER_MODEL_TASKS = ['text-to-image'] as const satisfies readonly ModelTask[];
export type ModelManifest = z.infer<typeof modelManifestSchema>;

/** Where a model runs: an ONNX Runtime execution provider, a WASM runtime, a native program or an API. */
export const modelProviderSchema = z.enum(['cuda', 'cpu', 'wasm', 'native', 'remote']);
export type ModelProvider = z.infer<typeof modelProviderSchema>;

/** A model's state on one worker; see `modelReportEntrySchema.status`. */
export const MODEL_STATUSES = ['ready', 'unchecked', 'unavailable'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

/** One installed model as a worker reports it. */
export const modelReportEntrySchema = z.object({
  name: safeText(),
  task: modelTaskSchema,
  version: safeText(),
  license: safeText(),
  source: safeText(),
  origin: z.enum(['bundled', 'user', 'provider']),
  /** Where it runs now, or where it will run once loaded. */
  provider: modelProviderSchema,
  /** Why it is not on the requested device (e.g. CUDA failed to load), when it fell back. */
  fallbackReason: safeText().nullable(),
  /** Loaded and warmed up. */
  warm: z.boolean(),
  runs: z.number().int().min(0),
  /**
   * Whether it works on this worker: `ready` once a real run succeeded here (a speech engine's
   * smoke run at start-up, an ONNX model's load and warm-up run), `unavailable` when that run
   * failed (see `reason`), `unchecked` before the first run (ONNX models load on first use).
   */
  status: z.enum(MODEL_STATUSES).default('unchecked'),
  /** Why it is unavailable, for a person, with the fix where there is one (e.g. the apt command). */
  reason: safeText().max(500).nullable().default(null),
});
export type ModelReportEntry = z.infer<typeof modelReportEntrySchema>;

/** A voice a worker can speak dialogue with: bundled (`festival-kal`) or a provider's (`provider:alloy`). */
export const voiceOptionSchema = z.object({
  id: safeText().min(1).max(100),
  label: safeText().max(200),
  source: z.enum(['bundled', 'provider']),
  /** The voice's register, used to give characters of a known gender a matching voice. */
  gender: z.enum(['female', 'male']).nullable().default(null),
  /**
   * False when its engine failed its smoke run on this worker (e.g. festival not installed): the
   * web does not offer it, and a render that asks for it speaks with eSpeak NG and says so.
   */
  available: z.boolean().default(true),
  /** Why it is unavailable, for a person; null when available. */
  reason: safeText().max(500).nullable().default(null),
});
export type VoiceOption = z.infer<typeof voiceOptionSchema>;

/** A worker's whole report, published to Redis and read by the API for `GET /api/v1/models`. */
export const workerModelsReportSchema = z.object({
  workerId: safeText(),
  device: z.enum(['auto', 'cuda', 'cpu']),
  /** The provider sessions are created on: `cuda` when the GPU loaded, else `cpu`. */
  activeProvider: z.enum(['cuda', 'cpu']),
  deviceReason: safeText().nullable(),
  updatedAt: safeText(),
  models: z.array(modelReportEntrySchema),
  /** Voices for dialogue in renders, in the order characters are given them by default. */
  voices: z.array(voiceOptionSchema).default([]),
  /**
   * Job types this worker runs: it has their pipeline and consumes their queue. The API offers
   * and accepts only types some live worker announces here.
   */
  pipelines: z.array(safeText().max(100)).max(100).default([]),
  /**
   * Job types this worker has a pipeline for and whose queue it consumes, but cannot run as it is
   * configured (e.g. `lesson.draft` without an LLM provider), each with the reason for a person.
   * The API names the reason when no live worker runs the type.
   */
  unavailable: z
    .array(z.object({ type: safeText().max(100), reason: safeText().max(500) }))
    .max(100)
    .default([]),
});
export type WorkerModelsReport = z.infer<typeof workerModelsReportSchema>;

/** `GET /models`: what each live worker reports it can run. */
export const modelsResponseSchema = z.object({ workers: z.array(workerModelsReportSchema) });
