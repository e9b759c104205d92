import { StartupError } from '@clapboard/server/config';
import { describe, expect, it } from 'vitest';
import { loadEnv } from './env';

const base = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  REDIS_URL: 'redis://127.0.0.1:6379',
  JWT_SECRET: 'x'.repeat(40),
};

describe('loadEnv', () => {
  it('fills defaults and converts upload limits from MiB to bytes', () => {
    const env = loadEnv({ ...base, UPLOAD_MAX_IMAGE_MB: '1.5', TRUST_PROXY: 'true' });
    expect(env.UPLOAD_MAX_IMAGE_MB).toBe(1.5 * 1024 * 1024);
    expect(env.UPLOAD_MAX_VIDEO_MB).toBe(2048 * 1024 * 1024);
    expect(env.TRUST_PROXY).toBe(true);
    expect(env.LOGIN_FAILURES_BEFORE_BACKOFF).toBe(5);
    expect(env.SMTP_URL).toBeUndefined();
    expect(env.S3_BUCKET).toBeUndefined();
  });

  it('refuses half an S3 key pair and a bad endpoint with a StartupError naming the variable', () => {
    expect(() => loadEnv({ ...base, S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'k' })).toThrow(/S3_SECRET_ACCESS_KEY/);
    expect(() => loadEnv({ ...base, S3_ENDPOINT: 'not a url' })).toThrow(StartupError);
    expect(() => loadEnv({ ...base, TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/);
    expect(() => loadEnv({ ...base, SMTP_URL: 'http://mail.example' })).toThrow(/SMTP_URL/);
    expect(loadEnv({ ...base, SMTP_URL: 'smtps://u:p@mail.example:465' }).SMTP_URL).toBe(
      'smtps://u:p@mail.example:465',
    );
  });
});
