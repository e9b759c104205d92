import {
  databaseUrlSchema,
  logLevelSchema,
  parseEnv,
  portSchema,
  redisUrlSchema,
} from '@clapboard/server/config';
import { redisPrefixSchema } from '@clapboard/server/redis-keys';
import { blobStoreEnvShape } from '@clapboard/server/storage';
import { z } from 'zod';

const schema = z.object({
  DATABASE_URL: databaseUrlSchema,
  REDIS_URL: redisUrlSchema,
  /** Namespace of every Redis key, queue and channel (several deployments can share one Redis). */
  REDIS_PREFIX: redisPrefixSchema,
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
  /** Folder of user-supplied models with manifests. */
  MODELS_DIR: z.string().default('./.data/models'),
  LOG_LEVEL: logLevelSchema,
  ...blobStoreEnvShape,
});

export type WorkerEnv = z.infer<typeof schema>;

/** Reads and validates the worker's environment; throws a one-line StartupError when wrong. */
export function loadEnv(source: Record<string, string | undefined> = process.env): WorkerEnv {
  return parseEnv(schema, source);
}
