import { StartupError } from '../config';

export interface TestServices {
  databaseUrl: string;
  redisUrl: string;
}

/**
 * The Postgres and Redis a test suite talks to. `npm test` (infra/local/run-tests.ts) sets
 * DATABASE_URL and REDIS_URL, starting local ones when none are configured; running vitest
 * directly needs them set.
 */
export function testServices(env: Record<string, string | undefined>): TestServices {
  const databaseUrl = env.DATABASE_URL;
  const redisUrl = env.REDIS_URL;
  if (!databaseUrl || !redisUrl) {
    throw new StartupError(
      'Integration tests need DATABASE_URL and REDIS_URL: run them with "npm test", which provides both.',
    );
  }
  return { databaseUrl, redisUrl };
}
