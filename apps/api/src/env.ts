import {
  databaseUrlSchema,
  logLevelSchema,
  parseEnv,
  portSchema,
  redisUrlSchema,
} from '@clapboard/server/config';
import { z } from 'zod';

const schema = z.object({
  DATABASE_URL: databaseUrlSchema,
  REDIS_URL: redisUrlSchema,
  JWT_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (generate one with: openssl rand -base64 48)'),
  API_PORT: portSchema.default(8787),
  API_HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./.data'),
  /** Public origin the browser uses, for cookies, CORS and signed URLs. */
  PUBLIC_URL: z.url().optional(),
  /** Folder of the built web app to serve at `/` (npm start sets it). */
  WEB_DIST: z.string().optional(),
  LOG_LEVEL: logLevelSchema,
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
});

export type ApiEnv = z.infer<typeof schema>;

/** Reads and validates the API's environment once; throws a one-line StartupError when it is wrong. */
export function loadEnv(source: Record<string, string | undefined> = process.env): ApiEnv {
  return parseEnv(schema, source);
}
