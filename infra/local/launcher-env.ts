import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseUrlSchema, parseEnv, portSchema, redisUrlSchema } from '@clapboard/server/config';
import { z } from 'zod';

/** Repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const schema = z.object({
  DATABASE_URL: databaseUrlSchema.optional(),
  REDIS_URL: redisUrlSchema.optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters (or unset it to generate one)').optional(),
  DATA_DIR: z.string().default('./.data'),
  API_PORT: portSchema.default(8787),
  REALTIME_PORT: portSchema.default(8788),
  WORKER_PORT: portSchema.default(8789),
  /** `npm run dev:edge`: where the API on workerd listens, and the local S3 server it starts. */
  EDGE_PORT: portSchema.default(8790),
  EDGE_S3_PORT: portSchema.default(8791),
  /** S3-compatible storage; `npm run dev:edge` starts a local one when S3_BUCKET is unset. */
  S3_BUCKET: z.string().optional(),
  PUBLIC_URL: z.url().optional(),
  /** `pretty` (default in a terminal) or `json` (raw structured logs). */
  LOG_FORMAT: z.enum(['pretty', 'json']).default(process.stdout.isTTY ? 'pretty' : 'json'),
  PATH: z.string().default(''),
});
export type LauncherEnv = z.infer<typeof schema>;

/** Reads `.env` (when present) into the environment, then validates the launcher's variables. */
export function loadLauncherEnv(): LauncherEnv {
  const file = resolve(ROOT, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
  return parseEnv(schema, process.env);
}
