import { parseEnv, portSchema, serviceEnvShape } from '@clapboard/server/config';
import { blobStoreEnvShape } from '@clapboard/server/storage';
import { z } from 'zod';
import { DEFAULT_SPEECH_PROGRAMS } from './speech/speech-programs';

const schema = z.object({
  ...serviceEnvShape,
  DATA_DIR: z.string().default('./.data'),
  /** `auto` uses CUDA when it loads, else CPU; `cuda` fails at start without a usable GPU. */
  WORKER_DEVICE: z.enum(['auto', 'cuda', 'cpu']).default('auto'),
  /** Health and metrics port of this worker. */
  WORKER_PORT: portSchema.default(8789),
  WORKER_HOST: z.string().default('0.0.0.0'),
  /** Which queues this worker takes work from, comma-separated. */
  WORKER_QUEUES: z
    .string()
    .default('gpu,cpu')
    .transform((v) => v.split(',').map((s) => s.trim()))
    .pipe(z.array(z.enum(['gpu', 'cpu'])).min(1)),
  /** Jobs processed at once per queue. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** A step's lock (ms): a crashed worker's running step is taken over by another after about this long. */
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Cached step outputs (and their assets) unused this many days are deleted; 0 keeps them forever. */
  STEP_CACHE_TTL_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  /** Folder of user-supplied models with manifests. */
  MODELS_DIR: z.string().default('./.data/models'),
  /** This worker's id in the models report; default `<hostname>-<pid>`. */
  WORKER_ID: z.string().min(1).max(100).optional(),
  /** Model runs at once on the CPU (each uses several cores) and on the GPU. */
  MODEL_CONCURRENCY_CPU: z.coerce.number().int().min(1).max(64).default(1),
  MODEL_CONCURRENCY_CUDA: z.coerce.number().int().min(1).max(64).default(2),
  /** ORT intra-op threads per CPU session; 0 = one per physical core. */
  MODEL_CPU_THREADS: z.coerce.number().int().min(0).max(256).default(0),
  /** How often the models report is written to Redis, in ms. */
  MODELS_REPORT_INTERVAL_MS: z.coerce.number().int().min(1000).max(600_000).default(15_000),
  /**
   * Speech programs, as names on PATH or absolute paths (`text2wave` is taken from festival's
   * folder). Each is smoke-run at start-up; a missing one is reported unavailable with the fix.
   */
  FESTIVAL_BIN: z.string().min(1).default(DEFAULT_SPEECH_PROGRAMS.festival),
  FLITE_BIN: z.string().min(1).default(DEFAULT_SPEECH_PROGRAMS.flite),
  POCKETSPHINX_BIN: z.string().min(1).default(DEFAULT_SPEECH_PROGRAMS.pocketsphinx),
  /** OpenAI-compatible API (OpenAI, vLLM, LocalAI, LM Studio...): off unless the base URL is set. */
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_CHAT_MODEL: z.string().default('gpt-4o-mini'),
  OPENAI_IMAGE_MODEL: z.string().default('gpt-image-1'),
  OPENAI_TRANSCRIBE_MODEL: z.string().default('whisper-1'),
  OPENAI_SPEECH_MODEL: z.string().default('tts-1'),
  /** Ollama server (e.g. http://127.0.0.1:11434): off unless set. */
  OLLAMA_BASE_URL: z.url().optional(),
  OLLAMA_CHAT_MODEL: z.string().default('llama3.2'),
  /**
   * Music generator endpoint (POST {prompt, durationSec, seed} → WAV/MP3/FLAC/Ogg bytes): off unless
   * set; without it (or when it fails) renders use an uploaded track or a synthesized bed.
   */
  MUSIC_PROVIDER_URL: z.url().optional(),
  /** Bearer token for MUSIC_PROVIDER_URL, if it needs one. */
  MUSIC_PROVIDER_API_KEY: z.string().optional(),
  /** Timeout for one provider request, in ms. */
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(120_000),
  /** Provider faults in a row (unreachable, timeout, 5xx) that pause a provider (its circuit opens). */
  PROVIDER_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  /** How long a paused provider is skipped before one call tries it again (s). */
  PROVIDER_BREAKER_OPEN_SEC: z.coerce.number().int().min(1).max(86_400).default(60),
  ...blobStoreEnvShape,
});

export type WorkerEnv = z.infer<typeof schema>;

/** Reads and validates the worker's environment; throws a one-line StartupError when wrong. */
export function loadEnv(source: Record<string, string | undefined> = process.env): WorkerEnv {
  return parseEnv(schema, source);
}
