import { join } from 'node:path';
import { z } from 'zod';
import type { BlobStore } from './blob-store';
import { createLocalBlobStore } from './local-blob-store';
import { createS3BlobStore, type S3BlobStoreOptions } from './s3-blob-store';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * The blob-store variables every service that touches asset bytes reads (API and workers), as a
 * zod shape to spread into an app's env schema.
 */
export const blobStoreEnvShape = {
  /** Setting S3_BUCKET switches the blob store from DATA_DIR/blobs to an S3-compatible bucket. */
  S3_BUCKET: z.string().optional(),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: bool.optional(),
  S3_KEY_PREFIX: z.string().optional(),
};

export interface BlobStoreEnv {
  DATA_DIR: string;
  S3_BUCKET?: string;
  S3_ENDPOINT?: string;
  S3_REGION: string;
  S3_ACCESS_KEY_ID?: string;
  S3_SECRET_ACCESS_KEY?: string;
  S3_FORCE_PATH_STYLE?: boolean;
  S3_KEY_PREFIX?: string;
}

/** The configured store: S3 when S3_BUCKET is set, else the local folder DATA_DIR/blobs. */
export function createBlobStoreFromEnv(env: BlobStoreEnv): BlobStore {
  return env.S3_BUCKET
    ? createS3BlobStore({
        bucket: env.S3_BUCKET,
        endpoint: env.S3_ENDPOINT,
        region: env.S3_REGION,
        accessKeyId: env.S3_ACCESS_KEY_ID,
        secretAccessKey: env.S3_SECRET_ACCESS_KEY,
        forcePathStyle: env.S3_FORCE_PATH_STYLE,
        keyPrefix: env.S3_KEY_PREFIX,
      })
    : createLocalBlobStore(join(env.DATA_DIR, 'blobs'));
}

/**
 * The S3_* variables that make `createBlobStoreFromEnv` open this bucket: what a launcher or a test
 * hands to another process (a service, workerd) that must use the same store.
 */
export function s3BlobStoreEnv(options: S3BlobStoreOptions): Record<string, string> {
  const env: Record<string, string> = { S3_BUCKET: options.bucket };
  if (options.endpoint) env.S3_ENDPOINT = options.endpoint;
  if (options.region) env.S3_REGION = options.region;
  if (options.accessKeyId) env.S3_ACCESS_KEY_ID = options.accessKeyId;
  if (options.secretAccessKey) env.S3_SECRET_ACCESS_KEY = options.secretAccessKey;
  if (options.forcePathStyle !== undefined) env.S3_FORCE_PATH_STYLE = String(options.forcePathStyle);
  if (options.keyPrefix) env.S3_KEY_PREFIX = options.keyPrefix;
  return env;
}
