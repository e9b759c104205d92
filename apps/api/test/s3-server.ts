import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3BlobStoreOptions } from '@clapboard/server/storage';
import S3rver from 's3rver';

export interface TestS3 {
  options: S3BlobStoreOptions;
  close(): Promise<void>;
}

/**
 * A real S3-compatible server (s3rver, pure Node, offline) on a free port with its own folder and
 * one bucket. It speaks the S3 REST API the AWS SDK uses: multipart uploads, ranges, presigned GETs.
 */
export async function startTestS3(): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'clapboard-s3-'));
  const bucket = 'clapboard-test';
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  return {
    options: {
      bucket,
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      // s3rver's fixed development credentials.
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
      keyPrefix: 'tenant-a',
    },
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
