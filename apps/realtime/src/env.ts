import { jwtSecretSchema, parseEnv, portSchema, serviceEnvShape } from '@clapboard/server/config';
import { z } from 'zod';

/** A document's updates are folded into its snapshot after this many (REALTIME_COMPACT_AFTER_UPDATES). */
export const COMPACT_AFTER_UPDATES_DEFAULT = 500;

const schema = z.object({
  ...serviceEnvShape,
  JWT_SECRET: jwtSecretSchema,
  REALTIME_PORT: portSchema.default(8788),
  REALTIME_HOST: z.string().default('0.0.0.0'),
  /** Origins allowed to open Socket.IO connections (comma-separated); default: any localhost. */
  CORS_ORIGINS: z.string().optional(),
  /** How long accepted document updates wait to share one insert (ms). */
  REALTIME_BATCH_MS: z.coerce.number().int().min(0).max(100).default(10),
  /** Fold a document's updates into its snapshot after this many. */
  REALTIME_COMPACT_AFTER_UPDATES: z.coerce.number().int().min(1).default(COMPACT_AFTER_UPDATES_DEFAULT),
});

export type RealtimeEnv = z.infer<typeof schema>;

/** Reads and validates the realtime server's environment; throws a one-line StartupError when wrong. */
export function loadEnv(source: Record<string, string | undefined> = process.env): RealtimeEnv {
  return parseEnv(schema, source);
}
