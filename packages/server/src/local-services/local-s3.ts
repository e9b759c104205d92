/// <reference path="./s3rver.d.ts" />
import S3rver from 's3rver';
import type { S3BlobStoreOptions } from '../storage/s3-blob-store';

/** Any origin may GET, HEAD and PUT (development only; a production bucket names the studio's origin). */
const CORS = `<CORSConfiguration><CORSRule>
<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedMethod>PUT</AllowedMethod>
<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3600</MaxAgeSeconds>
</CORSRule></CORSConfiguration>`;

export interface LocalS3 {
  /** What an S3 blob store needs to use it (`s3BlobStoreEnv` turns it into S3_* variables). */
  options: S3BlobStoreOptions & { endpoint: string };
  close(): Promise<void>;
}

/**
 * A local S3-compatible server (s3rver: pure Node, offline) keeping its objects under `directory`,
 * with one bucket. It speaks the S3 REST API the AWS SDK uses (multipart uploads, ranges, presigned
 * GETs). For development and tests only: `npm run dev:edge` runs one when S3_BUCKET is not set, and
 * the API tests use one as their S3. Port 0 picks a free one.
 */
export async function startLocalS3(
  directory: string,
  options: { port?: number; host?: string; bucket?: string } = {},
): Promise<LocalS3> {
  const bucket = options.bucket ?? 'clapboard';
  const host = options.host ?? '127.0.0.1';
  const server = new S3rver({
    port: options.port ?? 0,
    address: host,
    silent: true,
    directory,
    // Browsers PUT direct uploads and GET presigned files from another origin than the studio's.
    configureBuckets: [{ name: bucket, configs: [CORS] }],
  });
  const { port } = await server.run();
  return {
    options: {
      endpoint: `http://${host}:${port}`,
      bucket,
      region: 'us-east-1',
      // s3rver's fixed development credentials.
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    },
    close: () => server.close(),
  };
}
