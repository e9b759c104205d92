import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalS3 } from '@clapboard/server/local-services';
import type { S3BlobStoreOptions } from '@clapboard/server/storage';

export interface TestS3 {
  options: S3BlobStoreOptions;
  close(): Promise<void>;
}

/** A local S3 server (s3rver) on a free port with its own folder and one bucket, keys under a tenant prefix. */
export async function startTestS3(): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'clapboard-s3-'));
  const s3 = await startLocalS3(directory, { bucket: 'clapboard-test' });
  return {
    options: { ...s3.options, keyPrefix: 'tenant-a' },
    async close() {
      await s3.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
