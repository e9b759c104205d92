import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertValidKey, type BlobStore } from './blob-store';

export interface S3BlobStoreOptions {
  bucket: string;
  region?: string;
  /** For MinIO, R2, Ceph, s3rver…; leave unset for AWS. */
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Path-style URLs (`host/bucket/key`), which MinIO and most self-hosted stores need. */
  forcePathStyle?: boolean;
  /** Prefix inside the bucket, so several deployments can share one. */
  keyPrefix?: string;
}

const isMissing = (err: unknown) =>
  err instanceof NoSuchKey ||
  err instanceof NotFound ||
  (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404;

/**
 * Blob store on any S3-compatible server. Uploads stream through `@aws-sdk/lib-storage` (multipart
 * in 5 MiB parts, so memory stays bounded whatever the file size); a failed stream aborts the
 * multipart upload, leaving no object. Downloads can be presigned so bytes skip the API.
 */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const client = new S3Client({
    region: options.region ?? 'us-east-1',
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle ?? Boolean(options.endpoint),
    credentials:
      options.accessKeyId && options.secretAccessKey
        ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
        : undefined,
  });
  const Bucket = options.bucket;
  const prefix = options.keyPrefix ? `${options.keyPrefix.replace(/\/+$/, '')}/` : '';
  const keyOf = (key: string) => {
    assertValidKey(key);
    return prefix + key;
  };

  return {
    kind: 's3',
    async put(key, body, { contentType }) {
      const upload = new Upload({
        client,
        params: { Bucket, Key: keyOf(key), Body: body, ContentType: contentType },
        queueSize: 2,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (err) {
        // A single-part upload may have raced the error; make sure no object is left.
        await client.send(new DeleteObjectCommand({ Bucket, Key: keyOf(key) })).catch(() => {});
        throw err;
      }
    },
    async get(key, range) {
      try {
        const res = await client.send(
          new GetObjectCommand({
            Bucket,
            Key: keyOf(key),
            Range: range ? `bytes=${range.start}-${range.end}` : undefined,
          }),
        );
        const total = res.ContentRange
          ? Number(res.ContentRange.split('/')[1])
          : Number(res.ContentLength ?? 0);
        return { body: res.Body!.transformToWebStream() as ReadableStream<Uint8Array>, size: total };
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },
    async head(key) {
      try {
        const res = await client.send(new HeadObjectCommand({ Bucket, Key: keyOf(key) }));
        return { size: Number(res.ContentLength ?? 0) };
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: keyOf(key) }));
    },
    async list(listPrefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const res = await client.send(
          new ListObjectsV2Command({ Bucket, Prefix: prefix + listPrefix, ContinuationToken: token }),
        );
        for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key.slice(prefix.length));
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    presignPut(key, { expiresInSec, contentType, contentLength }) {
      assertValidKey(key);
      return getSignedUrl(
        client,
        new PutObjectCommand({
          Bucket,
          Key: keyOf(key),
          ContentType: contentType,
          ContentLength: contentLength,
        }),
        // Signed, not just sent: S3 refuses a PUT whose type or length differs.
        { expiresIn: expiresInSec, signableHeaders: new Set(['content-type', 'content-length']) },
      );
    },
    presignGet(key, { expiresInSec, contentType, contentDisposition }) {
      return getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket,
          Key: keyOf(key),
          ResponseContentType: contentType,
          ResponseContentDisposition: contentDisposition,
        }),
        { expiresIn: expiresInSec },
      );
    },
  };
}
