import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { databaseUrlSchema, parseEnv, portSchema, redactUrl, redisUrlSchema, StartupError } from './config';

const schema = z.object({
  DATABASE_URL: databaseUrlSchema,
  REDIS_URL: redisUrlSchema.optional(),
  API_PORT: portSchema.default(8787),
});

describe('parseEnv', () => {
  it('parses good values and applies defaults, treating empty strings as unset', () => {
    expect(parseEnv(schema, { DATABASE_URL: 'postgres://u:p@h:5432/db', REDIS_URL: '' })).toEqual({
      DATABASE_URL: 'postgres://u:p@h:5432/db',
      API_PORT: 8787,
    });
  });

  it('names each bad variable and the fix in one line', () => {
    const run = () =>
      parseEnv(schema, { DATABASE_URL: 'mysql//nope', REDIS_URL: 'http://x', API_PORT: '99999' });
    expect(run).toThrow(StartupError);
    const message = (() => {
      try {
        run();
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toContain('DATABASE_URL must look like postgres://');
    expect(message).toContain('REDIS_URL must look like redis://');
    expect(message).toContain('API_PORT');
    expect(message).not.toContain('\n');
  });

  it('reports a missing required variable as not set', () => {
    expect(() => parseEnv(schema, {})).toThrow(/DATABASE_URL is required but not set/);
  });

  it('redacts passwords from URLs for logs', () => {
    expect(redactUrl('postgres://user:s3cret@host/db')).toBe('postgres://user:***@host/db');
    expect(redactUrl('not a url')).toBe('(unparseable url)');
  });
});
