import { z } from 'zod';
import { redisPrefixSchema } from './redis-keys';

/**
 * A start-up problem a person can fix. `runMain` prints it as one line (no stack trace) and exits 1.
 * The message names the variable or resource and says what to do.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** A `postgres://` URL, checked for shape so a typo fails at start, not on the first query. */
export const databaseUrlSchema = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (
      (u.protocol === 'postgres:' || u.protocol === 'postgresql:') &&
      u.hostname.length + u.pathname.length > 1
    );
  } catch {
    return false;
  }
}, 'must look like postgres://user:password@host:5432/database');

/** A `redis://` or `rediss://` URL. */
export const redisUrlSchema = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === 'redis:' || u.protocol === 'rediss:';
  } catch {
    return false;
  }
}, 'must look like redis://host:6379 (or rediss:// for TLS)');

export const portSchema = z.coerce.number().int().min(0).max(65535);

export const logLevelSchema = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info');

/** Treats empty strings as unset, as shells and .env files often leave them. */
function withoutEmpty(source: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
}

/**
 * Parses environment variables with a zod object schema. On failure throws a StartupError whose
 * one-line message names each bad variable and what it must look like.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  source: Record<string, string | undefined>,
): z.infer<S> {
  const result = schema.safeParse(withoutEmpty(source));
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const received = source[String(issue.path[0])];
    const why = received === undefined ? 'is required but not set' : issue.message;
    return `${name} ${why}`;
  });
  throw new StartupError(
    `Invalid configuration: ${problems.join('; ')}. Fix it in your environment or .env (see .env.example).`,
  );
}

/** Hides the password in a connection URL so it can be logged. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}

/** HMAC secret for access tokens and realtime tickets. */
export const jwtSecretSchema = z
  .string()
  .min(32, 'must be at least 32 characters (generate one with: openssl rand -base64 48)');

/**
 * The variables every service reads the same way, as a zod shape to spread into an app's env
 * schema: where Postgres and Redis are, the Redis namespace, and the log level.
 */
export const serviceEnvShape = {
  DATABASE_URL: databaseUrlSchema,
  REDIS_URL: redisUrlSchema,
  /** Namespace of every Redis key, queue and channel (several deployments can share one Redis). */
  REDIS_PREFIX: redisPrefixSchema,
  LOG_LEVEL: logLevelSchema,
  /** When set, `/metrics` answers only `Authorization: Bearer <METRICS_TOKEN>` (docs/operations.md). */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
};
